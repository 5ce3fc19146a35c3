-- Issue 8, verifiable credentials: the issuer's signing keys (only the
-- sealed private half is stored) and the credentials issued, with their
-- status. The status lists are derived from the credentials: each holds
-- one index in each list for ever. Keys that are paged or sorted are
-- COLLATE "C", as in 0001; a time that may be absent is NULL.

CREATE TABLE signing_keys (
    id         text COLLATE "C" PRIMARY KEY,
    alg        text COLLATE "C" NOT NULL,
    sealed     bytea NOT NULL,
    public     bytea NOT NULL,
    created_at timestamptz NOT NULL,
    active     boolean NOT NULL
);
-- At most one key per algorithm signs new credentials.
CREATE UNIQUE INDEX signing_keys_active ON signing_keys (alg) WHERE active;

CREATE TABLE credentials (
    id               text COLLATE "C" PRIMARY KEY,
    candidate        text COLLATE "C" NOT NULL,
    certification    text COLLATE "C" NOT NULL,
    issued_at        timestamptz NOT NULL,
    awarded_date     timestamptz NOT NULL,
    valid_from       timestamptz NOT NULL,
    valid_until      timestamptz,
    supersedes       text NOT NULL,
    -- UNIQUE: an index of a list is allocated once, so two credentials
    -- never share a bit.
    revocation_index integer NOT NULL UNIQUE CHECK (revocation_index >= 0),
    suspension_index integer NOT NULL UNIQUE CHECK (suspension_index >= 0),
    document         bytea NOT NULL,
    jwt              text NOT NULL,
    status           text COLLATE "C" NOT NULL CHECK (status IN ('active', 'suspended', 'revoked')),
    reason           text NOT NULL,
    changed_at       timestamptz,
    rev              bigint NOT NULL
);
-- The API lists a candidate's credentials, or a certification's, by id.
CREATE INDEX credentials_candidate ON credentials (candidate, id);
CREATE INDEX credentials_certification ON credentials (certification, id);
-- StatusBits reads the set bits of a list from these, never every
-- credential: few are revoked or suspended.
CREATE INDEX credentials_revoked ON credentials (revocation_index) WHERE status = 'revoked';
CREATE INDEX credentials_suspended ON credentials (suspension_index) WHERE status = 'suspended';
