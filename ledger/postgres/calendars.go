package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/recert/recert/ledger"
)

var _ ledger.Calendars = (*tx)(nil)

// PutCalendarFeed stores f as the candidate's one feed. An older feed's
// row is replaced, so its hash no longer finds anything: the old URL is
// revoked in the same write. A hash another candidate's feed has (two
// random secrets with one SHA-256: never, in practice) is ErrExists; it is
// a unique violation, so that transaction is over.
func (t *tx) PutCalendarFeed(ctx context.Context, f ledger.CalendarFeed) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO calendar_feeds (candidate, hash, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (candidate) DO UPDATE SET hash = EXCLUDED.hash, created_at = EXCLUDED.created_at`,
		f.Candidate, blob(f.Hash), f.CreatedAt)
	if isUniqueViolation(err, "calendar_feeds_hash_key") {
		return fmt.Errorf("postgres: calendar feed of %q: hash taken: %w", f.Candidate, ledger.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("postgres: put calendar feed of %q: %w", f.Candidate, err)
	}
	return nil
}

// CalendarFeedByHash finds the feed whose secret has this SHA-256.
func (t *tx) CalendarFeedByHash(ctx context.Context, hash []byte) (ledger.CalendarFeed, error) {
	rows, err := t.tx.Query(ctx, "SELECT candidate, hash, created_at FROM calendar_feeds WHERE hash = $1", blob(hash))
	return one(rows, err, func(r pgx.CollectableRow) (ledger.CalendarFeed, error) {
		var f ledger.CalendarFeed
		err := r.Scan(&f.Candidate, &f.Hash, &f.CreatedAt)
		return f, err
	}, "calendar feed")
}

// DeleteCalendarFeed revokes the candidate's feed.
func (t *tx) DeleteCalendarFeed(ctx context.Context, candidate string) error {
	tag, err := t.tx.Exec(ctx, "DELETE FROM calendar_feeds WHERE candidate = $1", candidate)
	if err != nil {
		return fmt.Errorf("postgres: delete calendar feed of %q: %w", candidate, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: calendar feed of %q: %w", candidate, ledger.ErrNotFound)
	}
	return nil
}
