package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/recert/recert/ledger"
)

// Notices are a read model (View.Notices) kept in their own table, keyed by
// identity and indexed by due time, so that the worker's sweep reads the
// notices of one time window from an index instead of every view.

const noticeColumns = `candidate, kind, subject, due, until, date, days, rule`

const (
	insertNoticeSQL     = `INSERT INTO notices (` + noticeColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	candidateNoticesSQL = `SELECT ` + noticeColumns + ` FROM notices WHERE candidate = ? ORDER BY due, kind, subject`
	// dueNoticesSQL and dueNoticesAfterSQL are the pages of the sweep, a
	// keyset walk of notices_due: the first page from the window's start,
	// each next one from the last notice seen, given as a row value so that
	// SQLite starts the index range there rather than at the window's
	// start and filtering up to the cursor (each page would then cost every
	// page before it). TestDueNoticesUsesIndex checks both plans.
	dueNoticesSQL = `SELECT ` + noticeColumns + ` FROM notices
		WHERE due > ? AND due <= ?
		ORDER BY due, candidate, kind, subject LIMIT ?`
	dueNoticesAfterSQL = `SELECT ` + noticeColumns + ` FROM notices
		WHERE (due, candidate, kind, subject) > (?, ?, ?, ?) AND due <= ?
		ORDER BY due, candidate, kind, subject LIMIT ?`
)

var _ ledger.Notices = (*tx)(nil)

// noticeRow is n's values in noticeColumns order, stored under candidate.
func noticeRow(candidate string, n ledger.Notice) []any {
	return []any{candidate, n.Kind, n.Subject, micros(n.Due), micros(n.Until), n.Date, n.Days, n.Rule}
}

// insertNotices inserts a view's notices. A notice of another candidate is
// refused, as is one identity twice (the primary key).
func (t *tx) insertNotices(ctx context.Context, candidate string, ns []ledger.Notice) error {
	for _, n := range ns {
		if n.Candidate != "" && n.Candidate != candidate {
			return fmt.Errorf("notice %s %s of candidate %q in the view of %q", n.Kind, n.Subject, n.Candidate, candidate)
		}
		if _, err := t.exec(ctx, insertNoticeSQL, noticeRow(candidate, n)...); err != nil {
			return fmt.Errorf("notice %s %s due %s: %w", n.Kind, n.Subject, n.Due.UTC().Format(time.RFC3339Nano), err)
		}
	}
	return nil
}

// notices runs a SELECT of noticeColumns.
func (t *tx) notices(ctx context.Context, query string, args ...any) ([]ledger.Notice, error) {
	var out []ledger.Notice
	err := t.query(ctx, func(rows *sql.Rows) error {
		var n ledger.Notice
		var due, until int64
		if err := rows.Scan(&n.Candidate, &n.Kind, &n.Subject, &due, &until, &n.Date, &n.Days, &n.Rule); err != nil {
			return err
		}
		n.Due, n.Until = fromMicros(due), fromMicros(until)
		out = append(out, n)
		return nil
	}, query, args...)
	if err != nil {
		return nil, fmt.Errorf("notices: %w", err)
	}
	return out, nil
}

// DueNotices returns the notices with from < Due <= to after the notice
// after, in (Due, Candidate, Kind, Subject) order, at most limit (no limit
// when limit <= 0).
func (t *tx) DueNotices(ctx context.Context, from, to time.Time, after ledger.Notice, n int) ([]ledger.Notice, error) {
	query, args := dueNoticesSQL, []any{micros(from), micros(to), limit(n)}
	// A cursor due after from bounds the page; one at or before from (or
	// none) leaves the window's start as the bound: every notice due after
	// from sorts after it.
	if micros(after.Due) > micros(from) {
		query, args = dueNoticesAfterSQL, []any{micros(after.Due), after.Candidate, after.Kind, after.Subject, micros(to), limit(n)}
	}
	ns, err := t.notices(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("ledger/sqlite: due notices: %w", err)
	}
	return ns, nil
}
