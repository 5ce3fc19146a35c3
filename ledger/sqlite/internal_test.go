package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// TestPragmas checks that the DSN parameters took effect on the writer
// connection and the reader pool: a typo there would silently fall back
// to SQLite's defaults. synchronous must be FULL (2): with NORMAL (1), a
// commit in WAL mode returns before the WAL is on disk, and an
// acknowledged write can be lost on power failure. (Checked: with
// _synchronous=NORMAL in Open this test fails.)
func TestPragmas(t *testing.T) {
	ctx := t.Context()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "ledger.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	for _, tc := range []struct {
		pool   string
		pragma string
		want   string
	}{
		{"writer", "journal_mode", "wal"},
		{"writer", "synchronous", "2"},
		{"writer", "foreign_keys", "1"},
		{"writer", "busy_timeout", "5000"},
		{"reader", "journal_mode", "wal"},
		{"reader", "foreign_keys", "1"},
		{"reader", "busy_timeout", "5000"},
		{"reader", "query_only", "1"},
	} {
		// The writer's one connection is in its pool between
		// Updates, so the test may use it.
		var q interface {
			QueryRowContext(context.Context, string, ...any) *sql.Row
		} = db.writer
		if tc.pool == "reader" {
			q = db.reader
		}
		var got string
		if err := q.QueryRowContext(ctx, "PRAGMA "+tc.pragma).Scan(&got); err != nil {
			t.Fatalf("%s: PRAGMA %s: %v", tc.pool, tc.pragma, err)
		}
		if got != tc.want {
			t.Errorf("%s: PRAGMA %s = %s, want %s", tc.pool, tc.pragma, got, tc.want)
		}
	}
	if _, err := db.reader.ExecContext(ctx, `INSERT INTO import_positions (name, position) VALUES ('x', 1)`); err == nil {
		t.Error("a reader connection accepted an INSERT")
	}
	var n int
	names, _ := migrationNames()
	if err := db.writer.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(names) {
		t.Errorf("schema_migrations has %d rows (%v), want one a migration: %d", n, err, len(names))
	}
}
