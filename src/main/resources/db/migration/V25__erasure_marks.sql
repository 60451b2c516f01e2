-- When each person was last erased, by a digest of their id (never the id): instances sharing a store withhold what
-- work begun before that brings back (store/SharedErasures). Kept a day; retention removes older marks.
CREATE TABLE erasure_marks (
    user_digest VARCHAR(64) PRIMARY KEY,
    erased_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
