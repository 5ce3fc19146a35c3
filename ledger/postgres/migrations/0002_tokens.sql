-- Tokens may expire. NULL is "never", so the tokens of version 1 keep
-- working.
ALTER TABLE tokens ADD COLUMN expires_at timestamptz;

-- serve asks whether any unexpired admin token exists at every start.
CREATE INDEX tokens_role ON tokens (role, expires_at);
