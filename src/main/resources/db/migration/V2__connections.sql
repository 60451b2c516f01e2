-- Provider connections (a Healthbridge user linked to a provider account), their tokens (encrypted by the
-- application, AES-GCM), sync cursors per dataset, and pending OAuth authorizations.

CREATE TABLE connections (
    id               VARCHAR(36)  PRIMARY KEY,
    user_id          VARCHAR(128) NOT NULL,
    provider         VARCHAR(64)  NOT NULL,
    provider_user_id VARCHAR(128),
    status           VARCHAR(16)  NOT NULL,
    access_token     TEXT,
    refresh_token    TEXT,
    token_expires_at TIMESTAMP WITH TIME ZONE,
    scope            VARCHAR(1024),
    zone             VARCHAR(64),
    last_error       TEXT,
    last_sync_at     TIMESTAMP WITH TIME ZONE,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    version          BIGINT       NOT NULL,
    CONSTRAINT connections_user_provider UNIQUE (user_id, provider)
);
CREATE INDEX connections_provider_status ON connections (provider, status);

CREATE TABLE sync_cursors (
    connection_id VARCHAR(36)  NOT NULL,
    dataset       VARCHAR(64)  NOT NULL,
    cursor_value  VARCHAR(256) NOT NULL,
    last_sync_at  TIMESTAMP WITH TIME ZONE,
    last_error    TEXT,
    PRIMARY KEY (connection_id, dataset)
);

CREATE TABLE oauth_states (
    state         VARCHAR(96)  PRIMARY KEY,
    provider      VARCHAR(64)  NOT NULL,
    user_id       VARCHAR(128) NOT NULL,
    code_verifier TEXT,
    redirect_uri  VARCHAR(1024) NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
