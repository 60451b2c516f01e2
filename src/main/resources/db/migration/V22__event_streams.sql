-- A workout's samples and route when they are too long to ride in the event (more than 1,000 samples): kept beside
-- the event, served by GET /api/v1/events/{id}/streams. They go with their event: retention, erasure and a
-- provider's deletion remove the event, and the cascade removes its streams in the same statement.
CREATE TABLE event_streams (
    event_id    VARCHAR(64) NOT NULL PRIMARY KEY,
    payload     TEXT        NOT NULL,
    CONSTRAINT event_streams_event FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE
);
