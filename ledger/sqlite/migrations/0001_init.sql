-- recert ledger schema, version 1.
--
-- Times are INTEGER microseconds since the Unix epoch, UTC: they sort and
-- compare as numbers, and round-trip time.Time to the microsecond whatever
-- zone the caller used. JSON is stored as TEXT so the sqlite3 shell and the
-- JSON functions can read it; opaque bytes (hashes, response bodies, program
-- sources) are BLOBs and come back byte-identical.

-- The append-only event streams. The primary key is what makes a racing
-- append fail: two writers cannot both insert (candidate, expected+1).
CREATE TABLE events (
    candidate   TEXT    NOT NULL,
    seq         INTEGER NOT NULL CHECK (seq > 0),
    type        TEXT    NOT NULL,
    data        TEXT,
    recorded_at INTEGER NOT NULL,
    program     TEXT    NOT NULL,
    decision    TEXT,
    PRIMARY KEY (candidate, seq)
) WITHOUT ROWID;

CREATE TABLE programs (
    id          TEXT    NOT NULL,
    version     TEXT    NOT NULL,
    source      BLOB    NOT NULL,
    active      INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
    uploaded_at INTEGER NOT NULL,
    PRIMARY KEY (id, version)
) WITHOUT ROWID;
-- At most one active version per program, enforced by the database rather
-- than trusted to the order of two UPDATEs.
CREATE UNIQUE INDEX programs_one_active ON programs (id) WHERE active = 1;

CREATE TABLE candidates (
    id         TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    email      TEXT    NOT NULL,
    time_zone  TEXT    NOT NULL,
    program    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    rev        INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE centers (
    id         TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    time_zone  TEXT    NOT NULL,
    online     INTEGER NOT NULL CHECK (online IN (0, 1)),
    seats      INTEGER NOT NULL CHECK (seats >= 0),
    created_at INTEGER NOT NULL,
    rev        INTEGER NOT NULL
) WITHOUT ROWID;

-- Seats taken per center and slot (the slot's start instant). A row exists
-- once a seat of the slot has been taken; ResetSeats deletes them all.
CREATE TABLE seat_usage (
    center TEXT    NOT NULL REFERENCES centers (id),
    slot   INTEGER NOT NULL,
    taken  INTEGER NOT NULL CHECK (taken >= 0),
    PRIMARY KEY (center, slot)
) WITHOUT ROWID;

-- Read models. Every row carries its candidate and its position (ord) in the
-- candidate's view, so ReplaceView can delete by candidate and View returns
-- rows in the order they were written.
CREATE TABLE appointments (
    id          TEXT    NOT NULL PRIMARY KEY,
    candidate   TEXT    NOT NULL,
    ord         INTEGER NOT NULL,
    exam        TEXT    NOT NULL,
    center      TEXT    NOT NULL,
    slot        INTEGER NOT NULL,
    state       TEXT    NOT NULL,
    booked_at   INTEGER NOT NULL,
    reschedules INTEGER NOT NULL,
    voucher     TEXT    NOT NULL,
    fee_minor   INTEGER NOT NULL,
    currency    TEXT    NOT NULL,
    rev         INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX appointments_candidate ON appointments (candidate, ord);
CREATE INDEX appointments_center ON appointments (center, id);
CREATE INDEX appointments_state ON appointments (state, id);

CREATE TABLE results (
    candidate   TEXT    NOT NULL,
    ord         INTEGER NOT NULL,
    id          TEXT    NOT NULL,
    appointment TEXT    NOT NULL,
    exam        TEXT    NOT NULL,
    sat_at      INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL,
    scaled      INTEGER NOT NULL,
    passed      INTEGER NOT NULL CHECK (passed IN (0, 1)),
    form        TEXT    NOT NULL,
    raw         INTEGER,
    domains     TEXT,
    PRIMARY KEY (candidate, ord)
) WITHOUT ROWID;

CREATE TABLE certifications (
    candidate     TEXT    NOT NULL,
    ord           INTEGER NOT NULL,
    certification TEXT    NOT NULL,
    earned_on     TEXT    NOT NULL,
    expires_on    TEXT    NOT NULL,
    basis_exam    TEXT    NOT NULL,
    basis_date    TEXT    NOT NULL,
    renewed       INTEGER NOT NULL CHECK (renewed IN (0, 1)),
    revoked       INTEGER NOT NULL CHECK (revoked IN (0, 1)),
    PRIMARY KEY (candidate, ord)
) WITHOUT ROWID;

CREATE TABLE vouchers (
    candidate   TEXT    NOT NULL,
    ord         INTEGER NOT NULL,
    id          TEXT    NOT NULL,
    from_exam   TEXT    NOT NULL,
    issued_on   TEXT    NOT NULL,
    expires_on  TEXT    NOT NULL,
    discount    INTEGER NOT NULL,
    state       TEXT    NOT NULL,
    appointment TEXT    NOT NULL,
    PRIMARY KEY (candidate, ord)
) WITHOUT ROWID;

CREATE TABLE fees (
    candidate    TEXT    NOT NULL,
    ord          INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    appointment  TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    amount_minor INTEGER NOT NULL,
    currency     TEXT    NOT NULL,
    at           INTEGER NOT NULL,
    PRIMARY KEY (candidate, ord)
) WITHOUT ROWID;
CREATE INDEX fees_seq ON fees (candidate, seq, ord);

-- Only the SHA-256 of a token's secret is kept; the lookup is by that hash.
CREATE TABLE tokens (
    id         TEXT    NOT NULL PRIMARY KEY,
    hash       BLOB    NOT NULL UNIQUE,
    role       TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE idempotent_responses (
    principal    TEXT    NOT NULL,
    key          TEXT    NOT NULL,
    request_hash BLOB    NOT NULL,
    status       INTEGER NOT NULL,
    body         BLOB    NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (principal, key)
) WITHOUT ROWID;

CREATE TABLE import_positions (
    name     TEXT    NOT NULL PRIMARY KEY,
    position INTEGER NOT NULL
) WITHOUT ROWID;
