package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/recert/recert/ledger"
)

// Stream returns the candidate's events in Seq order and the stream's
// version; an unknown candidate has no events and version 0.
func (t *tx) Stream(ctx context.Context, candidate string) ([]ledger.Event, int64, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT seq, type, data, recorded_at, program, decision
		FROM events WHERE candidate = ? ORDER BY seq`, candidate)
	if err != nil {
		return nil, 0, fmt.Errorf("ledger/sqlite: stream %q: %w", candidate, err)
	}
	defer rows.Close()
	var events []ledger.Event
	for rows.Next() {
		var e ledger.Event
		var data, decision sql.NullString
		var at int64
		if err := rows.Scan(&e.Seq, &e.Type, &data, &at, &e.Program, &decision); err != nil {
			return nil, 0, fmt.Errorf("ledger/sqlite: stream %q: %w", candidate, err)
		}
		e.Data, e.Decision, e.RecordedAt = jsonRaw(data), jsonRaw(decision), fromMicros(at)
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("ledger/sqlite: stream %q: %w", candidate, err)
	}
	var version int64
	if n := len(events); n > 0 {
		version = events[n-1].Seq
	}
	return events, version, nil
}

// Append writes events as expected+1, expected+2, ... . The version check
// comes first so a stale caller writes nothing; the (candidate, seq)
// primary key would catch a racing writer even if writes were not
// serialized, and is reported the same way, as ledger.ErrConflict. The
// caller's events are not modified.
func (t *tx) Append(ctx context.Context, candidate string, expected int64, events []ledger.Event) error {
	if err := t.writable("Append"); err != nil {
		return err
	}
	if expected < 0 {
		return fmt.Errorf("ledger/sqlite: append to %q: negative expected version %d", candidate, expected)
	}
	var version int64
	if err := t.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM events WHERE candidate = ?`, candidate).Scan(&version); err != nil {
		return fmt.Errorf("ledger/sqlite: append to %q: %w", candidate, err)
	}
	if version != expected {
		return fmt.Errorf("ledger/sqlite: append to %q at version %d, stream is at %d: %w", candidate, expected, version, ledger.ErrConflict)
	}
	if len(events) == 0 {
		return nil
	}
	// One statement for the events of one append (a booking writes three):
	// each statement is a round through database/sql and the driver inside
	// the single writer's critical section.
	for start := 0; start < len(events); start += appendChunk {
		chunk := events[start:min(start+appendChunk, len(events))]
		args := make([]any, 0, 7*len(chunk))
		for i, e := range chunk {
			seq := expected + int64(start+i) + 1
			args = append(args, candidate, seq, e.Type, jsonText(e.Data), micros(e.RecordedAt), e.Program, jsonText(e.Decision))
		}
		_, err := t.exec(ctx, appendSQL(len(chunk)), args...)
		if isConstraint(err) {
			return fmt.Errorf("ledger/sqlite: append to %q: seq %d or after taken: %w", candidate, expected+int64(start)+1, ledger.ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("ledger/sqlite: append to %q: seq %d and on: %w", candidate, expected+int64(start)+1, err)
		}
	}
	return nil
}

// appendChunk bounds the events one INSERT of Append writes (7 values
// each, far below SQLite's 32,766 variables).
const appendChunk = 64

// appendSQLs are the INSERTs of 1 to appendChunk events, made once.
var appendSQLs = func() []string {
	out := make([]string, appendChunk+1)
	row := "(?, ?, ?, ?, ?, ?, ?)"
	for n := 1; n <= appendChunk; n++ {
		out[n] = "INSERT INTO events (candidate, seq, type, data, recorded_at, program, decision) VALUES " +
			strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
	}
	return out
}()

func appendSQL(n int) string { return appendSQLs[n] }

// StreamIDs lists the candidates that have events, after the given id, in
// id order; a limit of zero or less means all of them.
func (t *tx) StreamIDs(ctx context.Context, after string, n int) ([]string, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT DISTINCT candidate FROM events WHERE candidate > ?
		ORDER BY candidate LIMIT ?`, after, limit(n))
	if err != nil {
		return nil, fmt.Errorf("ledger/sqlite: stream ids: %w", err)
	}
	return scanStrings(rows, "stream ids")
}

// scanStrings reads a one-column result and closes rows.
func scanStrings(rows *sql.Rows, what string) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("ledger/sqlite: %s: %w", what, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger/sqlite: %s: %w", what, err)
	}
	return out, nil
}
