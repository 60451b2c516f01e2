-- Operator users of the management API and dashboard (passwords as Argon2id PHC strings), and their login
-- sessions: one row per login, holding the digest of the current refresh token and of the one it replaced (a replaced
-- token presented again means it was stolen: the session is revoked).
CREATE TABLE operators (
    username      VARCHAR(64)  PRIMARY KEY,
    password_hash VARCHAR(255) NOT NULL,
    role          VARCHAR(16)  NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    last_login_at TIMESTAMP WITH TIME ZONE
);

CREATE TABLE operator_sessions (
    id                    VARCHAR(64) PRIMARY KEY,
    username              VARCHAR(64) NOT NULL REFERENCES operators (username) ON DELETE CASCADE,
    refresh_hash          VARCHAR(64) NOT NULL UNIQUE,
    previous_refresh_hash VARCHAR(64),
    created_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    refreshed_at          TIMESTAMP WITH TIME ZONE,
    expires_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at            TIMESTAMP WITH TIME ZONE
);
CREATE INDEX operator_sessions_previous ON operator_sessions (previous_refresh_hash);
