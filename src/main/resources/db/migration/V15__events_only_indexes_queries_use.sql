-- Every index of the events table is rewritten by every commit that adds an event. These two serve no query
-- (events are read by seq, by id, and by subject after a seq) and cost the embedded store about 40 % of each
-- commit; an index comes back with the query that needs it.
DROP INDEX IF EXISTS events_type_time;
DROP INDEX IF EXISTS events_key;
