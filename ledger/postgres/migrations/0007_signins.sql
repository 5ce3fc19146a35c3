-- Issue 9, sign-in to the pages: staff users (an e-mail identity for
-- staff, whose API tokens carry none), one-time sign-in links and
-- sessions. Secrets are stored only as their SHA-256.

CREATE TABLE staff_users (
    id         text COLLATE "C" PRIMARY KEY,
    email      text NOT NULL UNIQUE,
    name       text NOT NULL,
    role       text NOT NULL CHECK (role IN ('admin', 'staff')),
    created_at timestamptz NOT NULL
);

CREATE TABLE signin_links (
    id         text COLLATE "C" PRIMARY KEY,
    request    text NOT NULL,
    email_hash bytea NOT NULL,
    email      text NOT NULL,
    name       text NOT NULL,
    role       text NOT NULL,
    subject    text NOT NULL,
    owner      text NOT NULL,
    next       text NOT NULL,
    base       text NOT NULL,
    -- NULL until the job that mails the link sets it.
    hash       bytea UNIQUE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
-- The rate limit counts an address's recent requests.
CREATE INDEX signin_links_email ON signin_links (email_hash, created_at);
CREATE INDEX signin_links_created ON signin_links (created_at);

CREATE TABLE sessions (
    id         text COLLATE "C" PRIMARY KEY,
    hash       bytea NOT NULL UNIQUE,
    owner      text NOT NULL,
    role       text NOT NULL,
    subject    text NOT NULL,
    user_agent text NOT NULL,
    created_at timestamptz NOT NULL,
    last_seen  timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_owner ON sessions (owner, created_at);

-- A candidate signs in by the address of their record: CandidatesByEmail
-- uses candidates_email_search (0006) on lower(email).
