-- Provider push notifications, stored before they are acknowledged and processed afterwards, so a crash
-- after the acknowledgement loses nothing.
CREATE TABLE inbound_notifications (
    id            VARCHAR(36)  PRIMARY KEY,
    provider      VARCHAR(64)  NOT NULL,
    connection_id VARCHAR(36)  NOT NULL,
    datasets      VARCHAR(512) NOT NULL,
    body          TEXT         NOT NULL,
    status        VARCHAR(16)  NOT NULL,
    attempts      INT          NOT NULL,
    next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL,
    last_error    TEXT,
    received_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    processed_at  TIMESTAMP WITH TIME ZONE
);
CREATE INDEX inbound_notifications_due ON inbound_notifications (status, next_attempt_at);
