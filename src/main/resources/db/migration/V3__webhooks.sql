-- Webhook endpoints (subscriptions), one delivery per endpoint and event, every attempt, and the outbox
-- position the fan-out has reached.

CREATE TABLE webhook_endpoints (
    id                       VARCHAR(36)   PRIMARY KEY,
    url                      VARCHAR(2048) NOT NULL,
    description              VARCHAR(1024),
    event_types              TEXT          NOT NULL,
    user_ids                 TEXT,
    format                   VARCHAR(16)   NOT NULL,
    enabled                  BOOLEAN       NOT NULL,
    secret                   TEXT          NOT NULL,
    previous_secret          TEXT,
    previous_secret_until    TIMESTAMP WITH TIME ZONE,
    disabled_reason          TEXT,
    failing_since            TIMESTAMP WITH TIME ZONE,
    created_at               TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at               TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE webhook_deliveries (
    id               VARCHAR(36)  PRIMARY KEY,
    endpoint_id      VARCHAR(36)  NOT NULL,
    event_id         VARCHAR(64)  NOT NULL,
    event_type       VARCHAR(64)  NOT NULL,
    payload          TEXT,
    status           VARCHAR(16)  NOT NULL,
    attempts         INT          NOT NULL,
    next_attempt_at  TIMESTAMP WITH TIME ZONE,
    last_status_code INT,
    last_error       TEXT,
    last_latency_ms  BIGINT,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT webhook_deliveries_endpoint_event UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at);

CREATE TABLE webhook_attempts (
    id               VARCHAR(36)  PRIMARY KEY,
    delivery_id      VARCHAR(36)  NOT NULL,
    endpoint_id      VARCHAR(36)  NOT NULL,
    attempted_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    status_code      INT,
    latency_ms       BIGINT,
    error            TEXT,
    response_excerpt VARCHAR(1024)
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempted_at);

CREATE TABLE outbox_cursors (
    name     VARCHAR(64) PRIMARY KEY,
    last_seq BIGINT      NOT NULL
);
