-- recert ledger schema, version 1.
--
-- Ids and other keys that are paged or sorted are COLLATE "C": cursors
-- compare bytes, as in SQLite, whatever the database's default collation.
-- JSON and response bodies are bytea so that they come back byte for byte
-- (jsonb would reorder keys and drop whitespace; an idempotent replay must
-- be identical). Times are timestamptz and read back in UTC.

-- streams holds each candidate's version (its last seq). Append moves it
-- with a compare-and-set, which is what makes concurrent appends safe.
CREATE TABLE streams (
    candidate text COLLATE "C" PRIMARY KEY,
    version   bigint NOT NULL CHECK (version >= 0)
);

CREATE TABLE events (
    candidate   text COLLATE "C" NOT NULL,
    seq         bigint NOT NULL CHECK (seq >= 1),
    type        text NOT NULL,
    data        bytea,
    recorded_at timestamptz NOT NULL,
    program     text NOT NULL,
    decision    bytea,
    PRIMARY KEY (candidate, seq)
);

CREATE TABLE programs (
    id          text COLLATE "C" NOT NULL,
    version     text COLLATE "C" NOT NULL,
    source      bytea NOT NULL,
    active      boolean NOT NULL DEFAULT false,
    uploaded_at timestamptz NOT NULL,
    PRIMARY KEY (id, version)
);
-- At most one active version per program.
CREATE UNIQUE INDEX programs_one_active ON programs (id) WHERE active;

CREATE TABLE candidates (
    id         text COLLATE "C" PRIMARY KEY,
    name       text NOT NULL,
    email      text NOT NULL,
    time_zone  text NOT NULL,
    program    text NOT NULL,
    created_at timestamptz NOT NULL,
    rev        bigint NOT NULL
);

CREATE TABLE centers (
    id         text COLLATE "C" PRIMARY KEY,
    name       text NOT NULL,
    time_zone  text NOT NULL,
    online     boolean NOT NULL,
    seats      integer NOT NULL,
    created_at timestamptz NOT NULL,
    rev        bigint NOT NULL
);

-- seat_usage counts the seats taken in each slot. ReserveSeat increments
-- it only while it is below the center's seats, in one statement that
-- locks the row, so two servers never both take the last seat.
CREATE TABLE seat_usage (
    center text COLLATE "C" NOT NULL,
    slot   timestamptz NOT NULL,
    taken  integer NOT NULL CHECK (taken >= 0),
    PRIMARY KEY (center, slot)
);

-- Read models. ord keeps each list in the order the projection gave it.
CREATE TABLE appointments (
    id          text COLLATE "C" NOT NULL UNIQUE,
    candidate   text COLLATE "C" NOT NULL,
    ord         integer NOT NULL,
    exam        text NOT NULL,
    center      text COLLATE "C" NOT NULL,
    slot        timestamptz NOT NULL,
    state       text NOT NULL,
    booked_at   timestamptz NOT NULL,
    reschedules integer NOT NULL,
    voucher     text NOT NULL,
    fee_minor   bigint NOT NULL,
    currency    text NOT NULL,
    rev         bigint NOT NULL,
    PRIMARY KEY (candidate, ord)
);
CREATE INDEX appointments_center ON appointments (center, id);
CREATE INDEX appointments_state ON appointments (state, id);

CREATE TABLE results (
    candidate   text COLLATE "C" NOT NULL,
    ord         integer NOT NULL,
    id          text COLLATE "C" NOT NULL,
    appointment text NOT NULL,
    exam        text NOT NULL,
    sat_at      timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL,
    scaled      integer NOT NULL,
    passed      boolean NOT NULL,
    form        text NOT NULL,
    raw         integer,
    domains     bytea,
    PRIMARY KEY (candidate, ord)
);

CREATE TABLE certifications (
    candidate     text COLLATE "C" NOT NULL,
    ord           integer NOT NULL,
    certification text NOT NULL,
    earned_on     text NOT NULL,
    expires_on    text NOT NULL,
    basis_exam    text NOT NULL,
    basis_date    text NOT NULL,
    renewed       boolean NOT NULL,
    revoked       boolean NOT NULL,
    PRIMARY KEY (candidate, ord)
);

CREATE TABLE vouchers (
    candidate   text COLLATE "C" NOT NULL,
    ord         integer NOT NULL,
    id          text COLLATE "C" NOT NULL,
    from_exam   text NOT NULL,
    issued_on   text NOT NULL,
    expires_on  text NOT NULL,
    discount    integer NOT NULL,
    state       text NOT NULL,
    appointment text NOT NULL,
    PRIMARY KEY (candidate, ord)
);

CREATE TABLE fees (
    candidate    text COLLATE "C" NOT NULL,
    ord          integer NOT NULL,
    seq          bigint NOT NULL,
    appointment  text NOT NULL,
    kind         text NOT NULL,
    amount_minor bigint NOT NULL,
    currency     text NOT NULL,
    at           timestamptz NOT NULL,
    PRIMARY KEY (candidate, ord)
);
-- ListFees pages by event.
CREATE INDEX fees_seq ON fees (candidate, seq, ord);

CREATE TABLE tokens (
    id         text COLLATE "C" PRIMARY KEY,
    hash       bytea NOT NULL UNIQUE,
    role       text NOT NULL,
    subject    text NOT NULL,
    name       text NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE idempotency (
    principal    text NOT NULL,
    key          text NOT NULL,
    request_hash bytea NOT NULL,
    status       integer NOT NULL,
    body         bytea NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (principal, key)
);

CREATE TABLE import_positions (
    name     text PRIMARY KEY,
    position bigint NOT NULL
);
