-- Every query for due or claimed deliveries names its endpoint (webhook_deliveries_endpoint_due, V11). The index on
-- (status, next_attempt_at) alone served none of them any more and cost every status change two more index writes.
DROP INDEX webhook_deliveries_due;
