-- Instances sharing a store share the backfills: the instance that runs a chunk claims it until lease_until, so each
-- chunk runs on exactly one instance; a claim whose instance died runs out and the chunk is run again.
ALTER TABLE backfills ADD COLUMN lease_until TIMESTAMP WITH TIME ZONE;
