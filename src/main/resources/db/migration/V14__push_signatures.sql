-- Signatures of provider push notifications seen within the freshness window (a digest of provider and signature):
-- a signed notification replayed inside the window is refused. Rows older than the window are purged.
CREATE TABLE push_signatures (
    id      VARCHAR(64) PRIMARY KEY,
    seen_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX push_signatures_seen ON push_signatures (seen_at);
