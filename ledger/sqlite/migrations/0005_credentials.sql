-- Issue 8, verifiable credentials: the issuer's signing keys (only the
-- sealed private half is stored) and the credentials issued, with their
-- status. The status lists are derived from the credentials: each holds
-- one index in each list for ever. Times are INTEGER microseconds as
-- everywhere here; a time that may be absent is 0.

CREATE TABLE signing_keys (
    id         TEXT    NOT NULL PRIMARY KEY,
    alg        TEXT    NOT NULL,
    sealed     BLOB    NOT NULL,
    public     BLOB    NOT NULL,
    created_at INTEGER NOT NULL,
    active     INTEGER NOT NULL CHECK (active IN (0, 1))
) WITHOUT ROWID;
-- At most one key per algorithm signs new credentials.
CREATE UNIQUE INDEX signing_keys_active ON signing_keys (alg) WHERE active = 1;

CREATE TABLE credentials (
    id               TEXT    NOT NULL PRIMARY KEY,
    candidate        TEXT    NOT NULL,
    certification    TEXT    NOT NULL,
    issued_at        INTEGER NOT NULL,
    awarded_date     INTEGER NOT NULL,
    valid_from       INTEGER NOT NULL,
    valid_until      INTEGER NOT NULL,
    supersedes       TEXT    NOT NULL,
    -- UNIQUE: an index of a list is allocated once, so two credentials
    -- never share a bit.
    revocation_index INTEGER NOT NULL UNIQUE CHECK (revocation_index >= 0),
    suspension_index INTEGER NOT NULL UNIQUE CHECK (suspension_index >= 0),
    document         BLOB    NOT NULL,
    jwt              TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('active', 'suspended', 'revoked')),
    reason           TEXT    NOT NULL,
    changed_at       INTEGER NOT NULL,
    rev              INTEGER NOT NULL
) WITHOUT ROWID;
-- The API lists a candidate's credentials, or a certification's, by id.
CREATE INDEX credentials_candidate ON credentials (candidate, id);
CREATE INDEX credentials_certification ON credentials (certification, id);
-- StatusBits reads the set bits of a list from these, never every
-- credential: few are revoked or suspended.
CREATE INDEX credentials_revoked ON credentials (revocation_index) WHERE status = 'revoked';
CREATE INDEX credentials_suspended ON credentials (suspension_index) WHERE status = 'suspended';
