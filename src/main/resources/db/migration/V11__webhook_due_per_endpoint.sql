-- The dispatcher asks for each endpoint's due deliveries (as many as it has free sending slots).
CREATE INDEX webhook_deliveries_endpoint_due ON webhook_deliveries (endpoint_id, status, next_attempt_at);
