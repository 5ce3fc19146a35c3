-- Issue 7, reminders: the engine's schedule of notices (a read model,
-- replaced with the rest of a candidate's view), the durable record of
-- each notice's delivery on each channel, candidates' preferences, webhook
-- endpoints and their delivery logs, and calendar feeds. Times are INTEGER
-- microseconds as everywhere here; lists are JSON arrays in TEXT.

-- A notice's identity is its primary key; it has no position (ord): View
-- returns a candidate's notices in (due, kind, subject) order.
CREATE TABLE notices (
    candidate TEXT    NOT NULL,
    kind      TEXT    NOT NULL,
    subject   TEXT    NOT NULL,
    due       INTEGER NOT NULL,
    until     INTEGER NOT NULL,
    date      TEXT    NOT NULL,
    days      INTEGER NOT NULL,
    rule      TEXT    NOT NULL,
    PRIMARY KEY (candidate, kind, subject, due)
) WITHOUT ROWID;
-- The worker's sweep (DueNotices) pages through this index by keyset, so
-- it reads the notices of one window and never every candidate's. It
-- carries the other columns too, so that the sweep reads the index alone:
-- a lookup in the table per notice was most of a sweep's time (random
-- page reads), BenchmarkDueNotices.
CREATE INDEX notices_due ON notices (due, candidate, kind, subject, until, date, days, rule);

-- One row per notice and channel, inserted when a worker claims it: the
-- UNIQUE constraint is what makes a reminder go out at most once, across
-- restarts, crashes and workers. sent_at is 0 until sent.
CREATE TABLE notifications (
    id         TEXT    NOT NULL PRIMARY KEY,
    candidate  TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    due        INTEGER NOT NULL,
    channel    TEXT    NOT NULL,
    state      TEXT    NOT NULL,
    reason     TEXT    NOT NULL,
    target     TEXT    NOT NULL,
    message_id TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    error      TEXT    NOT NULL,
    attempts   INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    sent_at    INTEGER NOT NULL,
    UNIQUE (candidate, kind, subject, due, channel)
) WITHOUT ROWID;
-- The API lists a candidate's notifications, or those in one state, by id.
CREATE INDEX notifications_candidate ON notifications (candidate, id);
CREATE INDEX notifications_state ON notifications (state, id);

CREATE TABLE preferences (
    candidate TEXT    NOT NULL PRIMARY KEY,
    channels  TEXT    NOT NULL,
    opt_out   TEXT    NOT NULL,
    rev       INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE webhook_endpoints (
    id         TEXT    NOT NULL PRIMARY KEY,
    url        TEXT    NOT NULL,
    secret     TEXT    NOT NULL,
    kinds      TEXT    NOT NULL,
    disabled   INTEGER NOT NULL CHECK (disabled IN (0, 1)),
    created_at INTEGER NOT NULL,
    rev        INTEGER NOT NULL
) WITHOUT ROWID;

-- One row per attempt to deliver a message; id is the message's
-- webhook-id, the same for each of its attempts. duration is nanoseconds.
CREATE TABLE webhook_deliveries (
    id           TEXT    NOT NULL,
    attempt      INTEGER NOT NULL,
    endpoint     TEXT    NOT NULL,
    notification TEXT    NOT NULL,
    at           INTEGER NOT NULL,
    status       INTEGER NOT NULL,
    error        TEXT    NOT NULL,
    duration     INTEGER NOT NULL,
    PRIMARY KEY (id, attempt)
) WITHOUT ROWID;
-- An endpoint's log is read newest first: (at, id, attempt) descending.
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint, at, id, attempt);

-- A candidate's one calendar feed; only the SHA-256 of its secret is kept.
CREATE TABLE calendar_feeds (
    candidate  TEXT    NOT NULL PRIMARY KEY,
    hash       BLOB    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
