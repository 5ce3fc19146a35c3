-- Issue 7, reminders: the engine's schedule of notices (a read model,
-- replaced with the rest of a candidate's view), the durable record of
-- each notice's delivery on each channel, candidates' preferences, webhook
-- endpoints and their delivery logs, and calendar feeds. Keys that are
-- paged or sorted are COLLATE "C", as in 0001; lists are text[].

-- A notice's identity is its primary key; it has no position (ord): View
-- returns a candidate's notices in (due, kind, subject) order.
CREATE TABLE notices (
    candidate text COLLATE "C" NOT NULL,
    kind      text COLLATE "C" NOT NULL,
    subject   text COLLATE "C" NOT NULL,
    due       timestamptz NOT NULL,
    until     timestamptz NOT NULL,
    date      text NOT NULL,
    days      integer NOT NULL,
    rule      text NOT NULL,
    PRIMARY KEY (candidate, kind, subject, due)
);
-- The worker's sweep (DueNotices) pages through this index by keyset, so
-- it reads the notices of one window and never every candidate's. The
-- other columns are INCLUDEd so that the sweep can read the index alone.
CREATE INDEX notices_due ON notices (due, candidate, kind, subject) INCLUDE (until, date, days, rule);

-- One row per notice and channel, inserted when a worker claims it: the
-- UNIQUE constraint is what makes a reminder go out at most once, across
-- restarts, crashes and workers on one database. sent_at is NULL until
-- sent.
CREATE TABLE notifications (
    id         text COLLATE "C" PRIMARY KEY,
    candidate  text COLLATE "C" NOT NULL,
    kind       text COLLATE "C" NOT NULL,
    subject    text COLLATE "C" NOT NULL,
    due        timestamptz NOT NULL,
    channel    text COLLATE "C" NOT NULL,
    state      text COLLATE "C" NOT NULL,
    reason     text NOT NULL,
    target     text NOT NULL,
    message_id text NOT NULL,
    title      text NOT NULL,
    error      text NOT NULL,
    attempts   integer NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    sent_at    timestamptz,
    CONSTRAINT notifications_identity UNIQUE (candidate, kind, subject, due, channel)
);
-- The API lists a candidate's notifications, or those in one state, by id.
CREATE INDEX notifications_candidate ON notifications (candidate, id);
CREATE INDEX notifications_state ON notifications (state, id);

CREATE TABLE preferences (
    candidate text COLLATE "C" PRIMARY KEY,
    channels  text[] NOT NULL,
    opt_out   text[] NOT NULL,
    rev       bigint NOT NULL
);

CREATE TABLE webhook_endpoints (
    id         text COLLATE "C" PRIMARY KEY,
    url        text NOT NULL,
    secret     text NOT NULL,
    kinds      text[] NOT NULL,
    disabled   boolean NOT NULL,
    created_at timestamptz NOT NULL,
    rev        bigint NOT NULL
);

-- One row per attempt to deliver a message; id is the message's
-- webhook-id, the same for each of its attempts. duration is nanoseconds.
CREATE TABLE webhook_deliveries (
    id           text COLLATE "C" NOT NULL,
    attempt      integer NOT NULL,
    endpoint     text COLLATE "C" NOT NULL,
    notification text NOT NULL,
    at           timestamptz NOT NULL,
    status       integer NOT NULL,
    error        text NOT NULL,
    duration     bigint NOT NULL,
    PRIMARY KEY (id, attempt)
);
-- An endpoint's log is read newest first: (at, id, attempt) descending.
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint, at, id, attempt);

-- A candidate's one calendar feed; only the SHA-256 of its secret is kept.
CREATE TABLE calendar_feeds (
    candidate  text COLLATE "C" PRIMARY KEY,
    hash       bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL
);
