-- One key per end user, sealed with the secret key: events on the Kafka bus are encrypted with their user's key, and
-- erasing the user deletes it, so the copies a topic still retains can no longer be read (crypto-shredding).
CREATE TABLE user_keys (
    user_id    VARCHAR(128) PRIMARY KEY,
    sealed_key VARCHAR(256) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
