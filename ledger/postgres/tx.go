package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/recert/recert/ledger"
)

// tx is a ledger.Tx on one pgx transaction.
//
// Expected outcomes (a taken id, a lost race) are found without raising an
// SQL error where possible (ON CONFLICT DO NOTHING, compare-and-set
// updates), because an error aborts a PostgreSQL transaction and the caller
// may want to carry on in it after, say, ErrExists.
type tx struct {
	tx pgx.Tx
	// write is set in Update: Stream then locks what it reads.
	write bool
}

var _ ledger.Tx = (*tx)(nil)

// PgxTx is the pgx transaction of an Update, for a part of the process
// that must write in the same transaction as the ledger (the work queue
// inserts and completes its jobs with it, so that they commit or roll back
// with fn's writes). It is valid only inside fn: Update commits it once fn
// has returned. In a View it is the read-only snapshot.
func (t *tx) PgxTx() pgx.Tx { return t.tx }

const streamSQL = `SELECT seq, type, data, recorded_at, program, decision
	FROM events WHERE candidate = $1 ORDER BY seq`

// Stream returns the candidate's events and version.
//
// In Update it first locks the candidate's streams row (FOR UPDATE) until
// commit, so that the read-decide-write round of app is serialized per
// candidate across every server: a second writer waits and then reads the
// first one's events, instead of deciding on a stale stream and losing at
// Append. It also keeps a rebuild, which replaces views without
// appending, from writing a view of a stream another server has moved
// since. The lock and the read go in one batch (one round trip); at READ
// COMMITTED the read's snapshot is taken after the lock is granted, so it
// sees everything the previous holder committed. A stream with no events
// yet has no row to lock; its first Append is guarded by the row's insert.
func (t *tx) Stream(ctx context.Context, candidate string) ([]ledger.Event, int64, error) {
	var events []ledger.Event
	b := &pgx.Batch{}
	if t.write {
		b.Queue("SELECT version FROM streams WHERE candidate = $1 FOR UPDATE", candidate)
	}
	b.Queue(streamSQL, candidate).Query(func(rows pgx.Rows) error {
		var err error
		events, err = pgx.AppendRows(events, rows, func(r pgx.CollectableRow) (ledger.Event, error) {
			var e ledger.Event
			var data, decision []byte
			err := r.Scan(&e.Seq, &e.Type, &data, &e.RecordedAt, &e.Program, &decision)
			e.Data, e.Decision = json.RawMessage(data), json.RawMessage(decision)
			return e, err
		})
		return err
	})
	if err := t.tx.SendBatch(ctx, b).Close(); err != nil {
		return nil, 0, fmt.Errorf("postgres: stream %q: %w", candidate, err)
	}
	var version int64
	if len(events) > 0 {
		version = events[len(events)-1].Seq
	}
	return events, version, nil
}

// appendSQL inserts the events only if the streams row moved from the
// expected version (the CTE returns no row otherwise). The row update
// waits for a concurrent writer of the same stream and then re-checks
// version on its committed value, so of two appends after the same
// version exactly one inserts. It is one round trip.
const appendSQL = `WITH s AS (%s)
	INSERT INTO events (candidate, seq, type, data, recorded_at, program, decision)
	SELECT s.candidate, e.seq, e.type, e.data, e.recorded_at, e.program, e.decision
	FROM s, unnest($3::bigint[], $4::text[], $5::bytea[], $6::timestamptz[], $7::text[], $8::bytea[])
		AS e(seq, type, data, recorded_at, program, decision)`

var (
	// appendFirst creates the stream; a row already there (or being
	// inserted by another transaction, which it waits for) is a conflict.
	appendFirst = fmt.Sprintf(appendSQL, `INSERT INTO streams (candidate, version) VALUES ($1, $2)
		ON CONFLICT DO NOTHING RETURNING candidate`)
	appendNext = fmt.Sprintf(appendSQL, `UPDATE streams SET version = $2
		WHERE candidate = $1 AND version = $9 RETURNING candidate`)
)

// Append adds events after version expected, or returns ErrConflict.
func (t *tx) Append(ctx context.Context, candidate string, expected int64, events []ledger.Event) error {
	if expected < 0 {
		return fmt.Errorf("postgres: append to %q: negative expected version %d", candidate, expected)
	}
	if len(events) == 0 {
		// Nothing to write, but the caller still learns whether it was
		// up to date.
		var version int64
		err := t.tx.QueryRow(ctx, "SELECT version FROM streams WHERE candidate = $1", candidate).Scan(&version)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("postgres: append to %q: %w", candidate, err)
		}
		if version != expected {
			return fmt.Errorf("postgres: append to %q at version %d, stream is at %d: %w",
				candidate, expected, version, ledger.ErrConflict)
		}
		return nil
	}
	n := len(events)
	seqs, types, programs := make([]int64, n), make([]string, n), make([]string, n)
	data, decisions, times := make([][]byte, n), make([][]byte, n), make([]time.Time, n)
	for i, e := range events {
		seqs[i] = expected + int64(i) + 1
		types[i], programs[i], times[i] = e.Type, e.Program, e.RecordedAt
		data[i], decisions[i] = []byte(e.Data), []byte(e.Decision)
	}
	version := expected + int64(n)
	args := []any{candidate, version, seqs, types, data, times, programs, decisions}
	query := appendFirst
	if expected != 0 {
		query, args = appendNext, append(args, expected)
	}
	tag, err := t.tx.Exec(ctx, query, args...)
	if isUniqueViolation(err, "events_pkey") {
		// Only a writer bypassing streams could cause this; it is still
		// a lost race, and reported as one.
		return fmt.Errorf("postgres: append to %q: seq taken: %w", candidate, ledger.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("postgres: append to %q: %w", candidate, err)
	}
	if tag.RowsAffected() != int64(n) {
		return fmt.Errorf("postgres: append to %q: stream is not at version %d: %w",
			candidate, expected, ledger.ErrConflict)
	}
	return nil
}

// StreamIDs lists candidates with events, after after, in id order.
func (t *tx) StreamIDs(ctx context.Context, after string, n int) ([]string, error) {
	rows, err := t.tx.Query(ctx, `SELECT candidate FROM streams WHERE candidate > $1
		ORDER BY candidate LIMIT $2`, after, limit(n))
	if err != nil {
		return nil, fmt.Errorf("postgres: stream ids: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("postgres: stream ids: %w", err)
	}
	return ids, nil
}

// lockProgram serializes writes to one program's versions for the rest of
// the transaction. A row lock cannot do it: the first version of a program
// has no row to lock yet.
func (t *tx) lockProgram(ctx context.Context, id string) error {
	_, err := t.tx.Exec(ctx, "SELECT pg_advisory_xact_lock(1, hashtext($1))", id)
	if err != nil {
		return fmt.Errorf("postgres: lock program %s: %w", id, err)
	}
	return nil
}

// PutProgram stores a new version; ErrExists when id@version is known.
// A version put as Active becomes the active one.
func (t *tx) PutProgram(ctx context.Context, p ledger.ProgramVersion) error {
	if err := t.lockProgram(ctx, p.ID); err != nil {
		return err
	}
	tag, err := t.tx.Exec(ctx, `INSERT INTO programs (id, version, source, active, uploaded_at)
		VALUES ($1, $2, $3, false, $4) ON CONFLICT (id, version) DO NOTHING`,
		p.ID, p.Version, blob(p.Source), p.UploadedAt)
	if err != nil {
		return fmt.Errorf("postgres: put program %s@%s: %w", p.ID, p.Version, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: program %s@%s: %w", p.ID, p.Version, ledger.ErrExists)
	}
	if p.Active {
		return t.activate(ctx, p.ID, p.Version)
	}
	return nil
}

// ActivateProgram makes id@version the active version.
func (t *tx) ActivateProgram(ctx context.Context, id, version string) error {
	if err := t.lockProgram(ctx, id); err != nil {
		return err
	}
	var exists bool
	err := t.tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM programs WHERE id = $1 AND version = $2)",
		id, version).Scan(&exists)
	if err != nil {
		return fmt.Errorf("postgres: activate program %s@%s: %w", id, version, err)
	}
	if !exists {
		return fmt.Errorf("postgres: activate program %s@%s: %w", id, version, ledger.ErrNotFound)
	}
	return t.activate(ctx, id, version)
}

// activate switches the active flag. The old version goes off first: the
// index allowing one active version per program is checked row by row.
func (t *tx) activate(ctx context.Context, id, version string) error {
	if _, err := t.tx.Exec(ctx, `UPDATE programs SET active = false
		WHERE id = $1 AND active AND version <> $2`, id, version); err != nil {
		return fmt.Errorf("postgres: activate program %s@%s: %w", id, version, err)
	}
	if _, err := t.tx.Exec(ctx, `UPDATE programs SET active = true
		WHERE id = $1 AND version = $2`, id, version); err != nil {
		return fmt.Errorf("postgres: activate program %s@%s: %w", id, version, err)
	}
	return nil
}

const programColumns = "id, version, source, active, uploaded_at"

func scanProgram(r pgx.CollectableRow) (ledger.ProgramVersion, error) {
	var p ledger.ProgramVersion
	err := r.Scan(&p.ID, &p.Version, &p.Source, &p.Active, &p.UploadedAt)
	return p, err
}

// ActiveProgram returns the active version of id, or ErrNotFound.
func (t *tx) ActiveProgram(ctx context.Context, id string) (ledger.ProgramVersion, error) {
	rows, err := t.tx.Query(ctx, "SELECT "+programColumns+" FROM programs WHERE id = $1 AND active", id)
	if err != nil {
		return ledger.ProgramVersion{}, fmt.Errorf("postgres: active program %s: %w", id, err)
	}
	p, err := pgx.CollectExactlyOneRow(rows, scanProgram)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, fmt.Errorf("postgres: active program %q: %w", id, ledger.ErrNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("postgres: active program %s: %w", id, err)
	}
	return p, nil
}

// ProgramVersions lists id's versions, oldest upload first.
func (t *tx) ProgramVersions(ctx context.Context, id string) ([]ledger.ProgramVersion, error) {
	rows, err := t.tx.Query(ctx, "SELECT "+programColumns+` FROM programs WHERE id = $1
		ORDER BY uploaded_at, version`, id)
	if err != nil {
		return nil, fmt.Errorf("postgres: program versions %s: %w", id, err)
	}
	ps, err := pgx.CollectRows(rows, scanProgram)
	if err != nil {
		return nil, fmt.Errorf("postgres: program versions %s: %w", id, err)
	}
	return ps, nil
}

// ProgramIDs lists the programs, in id order.
func (t *tx) ProgramIDs(ctx context.Context) ([]string, error) {
	rows, err := t.tx.Query(ctx, "SELECT DISTINCT id FROM programs ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("postgres: program ids: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("postgres: program ids: %w", err)
	}
	return ids, nil
}
