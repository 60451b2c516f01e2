-- Deletions at a provider name the provider's record: events keep the record id they came from (no index: a
-- deletion reads one user's events through events_subject_seq and filters), and a stored push notification may
-- carry a deletion instead of datasets to fetch.
ALTER TABLE events ADD COLUMN record_id VARCHAR(160);
ALTER TABLE inbound_notifications ADD COLUMN deletion TEXT;
