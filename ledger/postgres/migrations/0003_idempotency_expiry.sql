-- Idempotency keys expire (24 hours by default): the purge deletes by age.
CREATE INDEX idempotency_created ON idempotency (created_at);
