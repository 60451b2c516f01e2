-- Tokens a phone app of one end user sends (Authorization: Bearer) to push that user's phone health data: only a
-- SHA-256 digest of each is stored (256 random bits), with the one user it may write for.
CREATE TABLE device_tokens (
    id           VARCHAR(36)  PRIMARY KEY,
    user_id      VARCHAR(128) NOT NULL,
    label        VARCHAR(128),
    prefix       VARCHAR(16)  NOT NULL,
    token_hash   VARCHAR(64)  NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at   TIMESTAMP WITH TIME ZONE,
    CONSTRAINT device_tokens_hash UNIQUE (token_hash)
);
CREATE INDEX device_tokens_user ON device_tokens (user_id);
