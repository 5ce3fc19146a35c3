package app

import (
	"context"

	"github.com/recert/recert/ledger"
)

// SearchCandidates finds candidates by id, or by the start of their name,
// a word of it, or their e-mail address. Staff only; at most 100.
func (a *App) SearchCandidates(ctx context.Context, pr Principal, q string) ([]ledger.Candidate, error) {
	if err := pr.mustBeStaff("search candidates"); err != nil {
		return nil, err
	}
	if err := checkText("q", q, maxSearch); err != nil {
		return nil, err
	}
	var out []ledger.Candidate
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		out, err = tx.SearchCandidates(ctx, q, 100)
		return storeErr(err, "candidates")
	})
	return out, err
}
