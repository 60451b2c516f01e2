-- Provider quotas shared by every instance on this store: Bucket4j's PostgreSQL proxy manager keeps each bucket's
-- state here (one row per provider app and per provider user) and takes tokens under SELECT ... FOR UPDATE.
CREATE TABLE quota_buckets (
    id         VARCHAR(255) PRIMARY KEY,
    state      BYTEA,
    expires_at BIGINT
);
