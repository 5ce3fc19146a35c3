-- Idempotency keys expire (24 hours by default): the purge deletes by age.
CREATE INDEX idempotent_responses_created ON idempotent_responses (created_at);
