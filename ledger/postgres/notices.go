package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/recert/recert/ledger"
)

// Notices are a read model (View.Notices) kept in their own table, keyed by
// identity and indexed by due time, so that the worker's sweep reads the
// notices of one time window from an index instead of every view.

const noticeColumns = "candidate, kind, subject, due, until, date, days, rule"

const (
	insertNoticeSQL     = "INSERT INTO notices (" + noticeColumns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
	candidateNoticesSQL = "SELECT " + noticeColumns + " FROM notices WHERE candidate = $1 ORDER BY due, kind, subject"
	// dueNoticesSQL and dueNoticesAfterSQL are the pages of the sweep, a
	// keyset walk of notices_due: the first page from the window's start,
	// each next one from the last notice seen, as a row comparison that
	// the index scan starts at (TestDueNoticesUsesIndex checks the plans).
	dueNoticesSQL = "SELECT " + noticeColumns + ` FROM notices
		WHERE due > $1 AND due <= $2
		ORDER BY due, candidate, kind, subject LIMIT $3`
	dueNoticesAfterSQL = "SELECT " + noticeColumns + ` FROM notices
		WHERE (due, candidate, kind, subject) > ($3, $4, $5, $6) AND due <= $1
		ORDER BY due, candidate, kind, subject LIMIT $2`
)

var _ ledger.Notices = (*tx)(nil)

// queueNotices adds the inserts of a view's notices to b.
func queueNotices(b *pgx.Batch, candidate string, ns []ledger.Notice) {
	for _, n := range ns {
		b.Queue(insertNoticeSQL, candidate, n.Kind, n.Subject, n.Due, n.Until, n.Date, n.Days, n.Rule)
	}
}

func scanNotice(r pgx.CollectableRow) (ledger.Notice, error) {
	var n ledger.Notice
	err := r.Scan(&n.Candidate, &n.Kind, &n.Subject, &n.Due, &n.Until, &n.Date, &n.Days, &n.Rule)
	return n, err
}

// DueNotices returns the notices with from < Due <= to after the notice
// after, in (Due, Candidate, Kind, Subject) order, at most limit (no limit
// when limit <= 0).
func (t *tx) DueNotices(ctx context.Context, from, to time.Time, after ledger.Notice, n int) ([]ledger.Notice, error) {
	query, args := dueNoticesSQL, []any{from, to, limit(n)}
	// A cursor due after from bounds the page; one at or before from (or
	// none) leaves the window's start as the bound: every notice due after
	// from sorts after it. Compared at the microsecond, as stored.
	if after.Due.Truncate(time.Microsecond).After(from.Truncate(time.Microsecond)) {
		query, args = dueNoticesAfterSQL, []any{to, limit(n), after.Due, after.Candidate, after.Kind, after.Subject}
	}
	rows, err := t.tx.Query(ctx, query, args...)
	return all(rows, err, scanNotice, fmt.Sprintf("due notices in (%s, %s]", from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339)))
}
