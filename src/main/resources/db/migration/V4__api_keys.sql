-- API keys: only a SHA-256 digest of each key is stored (keys are 256 random bits, so a fast digest
-- is as strong as a password hash here), with its scopes.
CREATE TABLE api_keys (
    id           VARCHAR(36)  PRIMARY KEY,
    name         VARCHAR(128) NOT NULL,
    prefix       VARCHAR(16)  NOT NULL,
    key_hash     VARCHAR(64)  NOT NULL,
    scopes       VARCHAR(64)  NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    last_used_at TIMESTAMP WITH TIME ZONE,
    revoked_at   TIMESTAMP WITH TIME ZONE,
    CONSTRAINT api_keys_hash UNIQUE (key_hash)
);
