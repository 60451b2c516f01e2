-- The embedded store hands out event sequence numbers from a cache of 4,096 instead of H2's default 32. Each time
-- the cache runs out H2 records the sequence in its catalogue with a commit of its own, a whole store write: a
-- poll's payload of 288 readings paid nine of them beside its one transaction (a quarter of the publish path's
-- time in the benchmark). The cache is the database's, not a session's, so numbers still rise in the order they
-- are handed out; a crash skips at most the unused rest of the cache, and every reader of the events table
-- follows a cursor (seq > last read), which a gap does not disturb. PostgreSQL keeps a per-session cache, which
-- would hand two writers interleaved ranges: it stays at its default of 1.
ALTER TABLE events ALTER COLUMN seq SET CACHE 4096;
