package postgres

import (
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/recert/recert/internal/pgtest"
)

// TestDueNoticesUsesIndex checks that notices_due can serve the sweep's
// pages alone (an index-only scan: the other columns are INCLUDEd), with
// the cursor as the scan's start and without a sort. The test
// table is small, where a sequential scan is cheaper, so scans and sorts
// other than the index's are priced out (enable_* off): the check is that
// the plan is possible and chosen when the table is large, not which plan
// a few rows get.
func TestDueNoticesUsesIndex(t *testing.T) {
	ctx := t.Context()
	db, err := Open(ctx, pgtest.Server(t).NewDatabase(t))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	from, to := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		query string
		args  []any
		cond  string
	}{
		{dueNoticesSQL, []any{from, to, 100}, "Index Cond: ((due > "},
		{dueNoticesAfterSQL, []any{to, 100, from, "c", "k", "s"}, "Index Cond: ((ROW(due, candidate, kind, subject) > ROW("},
	} {
		var plan []string
		err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, "SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off"); err != nil {
				return err
			}
			rows, err := tx.Query(ctx, "EXPLAIN "+tc.query, tc.args...)
			if err != nil {
				return err
			}
			plan, err = pgx.CollectRows(rows, pgx.RowTo[string])
			return err
		})
		if err != nil {
			t.Fatalf("EXPLAIN: %v", err)
		}
		got := strings.Join(plan, "\n")
		if !strings.Contains(got, "Index Only Scan using notices_due on notices") || !strings.Contains(got, tc.cond) || strings.Contains(got, "Sort") {
			t.Errorf("plan of\n%s\nis\n%s\nwant an Index Only Scan of notices_due with %q and no Sort", tc.query, got, tc.cond)
		}
	}
}
