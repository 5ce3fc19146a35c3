package sqlite

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestDueNoticesUsesIndex checks the sweep's plans: DueNotices must read
// notices_due alone (it covers the columns) as one range starting at the
// cursor and need no sort, so that a page costs its own rows, not a scan
// of every notice, of every notice before the cursor, or a table lookup a
// notice. (Checked: with the cursor as "due > ? AND (due, ...) > (...)"
// SQLite bounds the range by due alone, and this test fails.)
func TestDueNoticesUsesIndex(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "ledger.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	for _, tc := range []struct {
		query string
		args  []any
		want  string
	}{
		{dueNoticesSQL, []any{1, 2, 100}, "SEARCH notices USING COVERING INDEX notices_due (due>? AND due<?)"},
		{dueNoticesAfterSQL, []any{1, "c", "k", "s", 2, 100}, "SEARCH notices USING COVERING INDEX notices_due ((due,candidate,kind,subject)>(?,?,?,?) AND due<?)"},
	} {
		if got := queryPlan(t, db, tc.query, tc.args...); got != tc.want {
			t.Errorf("plan of\n%s\nis %q; want %q: one range of notices_due from the cursor, read alone (covering), no SCAN and no temp B-tree", tc.query, got, tc.want)
		}
	}
}

// queryPlan is EXPLAIN QUERY PLAN's details, joined by "; ".
func queryPlan(t *testing.T, db *DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.reader.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("EXPLAIN QUERY PLAN: %v", err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "; ")
}
