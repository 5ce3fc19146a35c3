package app

import (
	"context"
	"encoding/json"
	"time"

	"github.com/recert/recert/ledger"
)

// HistoryEntry is one event of a candidate's stream as staff read it:
// what happened, when, and the decision that allowed it with the
// engine's explanation and the program version that decided. Events the
// engine's consequences wrote (a fee, a voucher) have no decision of
// their own: Decided is false and the event before them holds it.
type HistoryEntry struct {
	Seq        int64
	Type       string
	RecordedAt time.Time
	Data       EventData
	Program    string // id@version
	Decided    bool
	Action     string
	Allowed    bool
	Reasons    []string
	// Explanation is the engine's words for the decision, as kept with the
	// event when it was written: later program versions do not rewrite it.
	Explanation []string
}

// storedDecision is what History reads back of policy.AppendDecisionJSON.
type storedDecision struct {
	Allowed     *bool    `json:"allowed"`
	Action      string   `json:"action"`
	Reasons     []string `json:"reasons"`
	Explanation []string `json:"explanation"`
}

// History is a candidate's whole stream, oldest first, with each event's
// decision. Staff only: a candidate reads their own timeline through
// Standing.
func (a *App) History(ctx context.Context, pr Principal, candidate string) (ledger.Candidate, []HistoryEntry, error) {
	if err := pr.mustBeStaff("read a candidate's history"); err != nil {
		return ledger.Candidate{}, nil, err
	}
	if err := known("candidate", candidate); err != nil {
		return ledger.Candidate{}, nil, err
	}
	var c ledger.Candidate
	var evs []ledger.Event
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		if c, err = tx.Candidate(ctx, candidate); err != nil {
			return storeErr(err, "candidate "+candidate)
		}
		evs, _, err = tx.Stream(ctx, candidate)
		return storeErr(err, "the events of candidate "+candidate)
	})
	if err != nil {
		return ledger.Candidate{}, nil, err
	}
	dec, err := decodeEvents(evs)
	if err != nil {
		return ledger.Candidate{}, nil, &Error{Code: CodeInternal, Message: "reading candidate " + candidate + "'s events", Err: err}
	}
	out := make([]HistoryEntry, len(dec))
	for i, e := range dec {
		h := HistoryEntry{Seq: e.Seq, Type: e.Type, RecordedAt: e.RecordedAt, Data: e.D, Program: e.Program}
		if len(e.Decision) > 0 {
			var d storedDecision
			if err := json.Unmarshal(e.Decision, &d); err == nil {
				h.Decided, h.Action, h.Reasons, h.Explanation = true, d.Action, d.Reasons, d.Explanation
				h.Allowed = d.Allowed == nil || *d.Allowed
			}
		}
		out[i] = h
	}
	return c, out, nil
}
