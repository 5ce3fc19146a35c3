package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/recert/recert/ledger"
)

var _ ledger.Calendars = (*tx)(nil)

// PutCalendarFeed stores f as the candidate's one feed. An older feed's
// row is replaced, so its hash no longer finds anything: the old URL is
// revoked in the same write. A hash that another candidate's feed has is
// ledger.ErrExists.
func (t *tx) PutCalendarFeed(ctx context.Context, f ledger.CalendarFeed) error {
	if err := t.writable("PutCalendarFeed"); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO calendar_feeds (candidate, hash, created_at) VALUES (?, ?, ?)
		ON CONFLICT (candidate) DO UPDATE SET hash = excluded.hash, created_at = excluded.created_at`,
		f.Candidate, blob(f.Hash), micros(f.CreatedAt))
	if isConstraint(err) {
		return fmt.Errorf("ledger/sqlite: calendar feed of %q: hash taken: %w", f.Candidate, ledger.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("ledger/sqlite: put calendar feed of %q: %w", f.Candidate, err)
	}
	return nil
}

// CalendarFeedByHash finds the feed whose secret has this SHA-256.
func (t *tx) CalendarFeedByHash(ctx context.Context, hash []byte) (ledger.CalendarFeed, error) {
	var f ledger.CalendarFeed
	var created int64
	err := t.tx.QueryRowContext(ctx, `SELECT candidate, hash, created_at FROM calendar_feeds WHERE hash = ?`, blob(hash)).
		Scan(&f.Candidate, &f.Hash, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.CalendarFeed{}, fmt.Errorf("ledger/sqlite: calendar feed: %w", ledger.ErrNotFound)
	}
	if err != nil {
		return ledger.CalendarFeed{}, fmt.Errorf("ledger/sqlite: calendar feed by hash: %w", err)
	}
	f.CreatedAt = fromMicros(created)
	return f, nil
}

// DeleteCalendarFeed revokes the candidate's feed.
func (t *tx) DeleteCalendarFeed(ctx context.Context, candidate string) error {
	if err := t.writable("DeleteCalendarFeed"); err != nil {
		return err
	}
	res, err := t.exec(ctx, `DELETE FROM calendar_feeds WHERE candidate = ?`, candidate)
	if err != nil {
		return fmt.Errorf("ledger/sqlite: delete calendar feed of %q: %w", candidate, err)
	}
	if n, err := affected(res); err != nil || n == 0 {
		return errors.Join(fmt.Errorf("ledger/sqlite: calendar feed of %q: %w", candidate, ledger.ErrNotFound), err)
	}
	return nil
}
