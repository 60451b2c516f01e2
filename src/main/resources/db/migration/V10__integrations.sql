-- Provider integrations registered or changed through the API (/api/v1/integrations): setting overrides as JSON of
-- healthbridge.providers.<id>.* keys (never the client secret, which is sealed apart), and whether the
-- integration is registered or was unregistered.
CREATE TABLE integrations (
    provider      VARCHAR(64)  PRIMARY KEY,
    state         VARCHAR(16)  NOT NULL,
    settings      TEXT         NOT NULL,
    client_secret TEXT,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_by    VARCHAR(128)
);
