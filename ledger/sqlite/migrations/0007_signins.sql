-- Issue 9, sign-in to the pages: staff users (an e-mail identity for
-- staff, whose API tokens carry none), one-time sign-in links and
-- sessions. Secrets are stored only as their SHA-256. Times are INTEGER
-- microseconds as everywhere here; a time that may be absent is 0.

CREATE TABLE staff_users (
    id         TEXT    NOT NULL PRIMARY KEY,
    email      TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    role       TEXT    NOT NULL CHECK (role IN ('admin', 'staff')),
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE signin_links (
    id         TEXT    NOT NULL PRIMARY KEY,
    request    TEXT    NOT NULL,
    email_hash BLOB    NOT NULL,
    email      TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    role       TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    owner      TEXT    NOT NULL,
    next       TEXT    NOT NULL,
    base       TEXT    NOT NULL,
    -- NULL until the job that mails the link sets it.
    hash       BLOB    UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER NOT NULL
) WITHOUT ROWID;
-- The rate limit counts an address's recent requests.
CREATE INDEX signin_links_email ON signin_links (email_hash, created_at);
CREATE INDEX signin_links_created ON signin_links (created_at);

CREATE TABLE sessions (
    id         TEXT    NOT NULL PRIMARY KEY,
    hash       BLOB    NOT NULL UNIQUE,
    owner      TEXT    NOT NULL,
    role       TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    user_agent TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_owner ON sessions (owner, created_at);

-- A candidate signs in by the address of their record: CandidatesByEmail
-- uses candidates_email_search (0006) on lower(email).
