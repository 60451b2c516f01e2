-- A person's events in a window of time: the reconciler's day (every reconciled type of a user over two days) and
-- the person view (GET /api/v1/events?user=&type=&from=&to=). Without this index both read through
-- events_subject_seq, that is every event the person ever had, once per day reconciled: an import of a year of
-- phone data reconciled each new day by reading the whole year again. One index on (subject, event_time) reads
-- only the window; the type is filtered among the window's rows.
CREATE INDEX events_subject_time ON events (subject, event_time);
