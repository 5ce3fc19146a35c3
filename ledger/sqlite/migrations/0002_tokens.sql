-- Tokens may expire. expires_at is Unix microseconds like every other
-- time here; 0 is "never", so the tokens of version 1 keep working.
ALTER TABLE tokens ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;

-- serve asks whether any unexpired admin token exists at every start.
CREATE INDEX tokens_role ON tokens (role, expires_at);
