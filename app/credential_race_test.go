package app_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

// TestRaceRevokeSuspendCredential: staff revoke and suspend one credential
// at once. Either the revocation comes first and the suspension is
// refused, or both succeed in the order suspend then revoke; the
// credential ends revoked either way, its Rev and its history count
// exactly the changes that succeeded, and the history's last change is
// the revocation.
func TestRaceRevokeSuspendCredential(t *testing.T) {
	eachRaceEnv(t, func(t *testing.T, e *raceEnv) {
		iss, q, n := &fakeIssuer{}, &memQueue{}, 0
		issuer := app.New(e.st, app.WithClock(e.clk.now), app.WithCredentials(iss), app.WithIssuer(iss),
			app.WithIDs(func(p string) string { n++; return fmt.Sprintf("%srace%03d", p, n) }))
		issuer.UseQueue(q)
		var res tally
		for r := range e.rounds() {
			cand := fmt.Sprintf("cr%02d", r)
			if _, err := issuer.CreateCandidate(e.ctx, app.System, app.CandidateInput{ID: cand, Name: "Ada", TimeZone: "UTC"}); err != nil {
				t.Fatal(err)
			}
			if _, err := issuer.RecordResult(e.ctx, app.System, app.ResultInput{Candidate: cand, Exam: "CLF-C02", On: slot("2025-06-01T15:00:00Z"), Scaled: score(800)}); err != nil {
				t.Fatal(err)
			}
			var id string
			for _, j := range q.take(app.JobCredential) {
				if err := issuer.Work(e.ctx, j, 1, func(context.Context, ledger.Tx) error { return nil }); err != nil {
					t.Fatal(err)
				}
			}
			cs, err := issuer.Credentials(e.ctx, app.System, cand, ledger.Page{})
			if err != nil || len(cs) != 1 {
				t.Fatalf("round %d: credentials %v, %v; want one", r, cs, err)
			}
			id = cs[0].ID
			errs := e.race(r,
				func(ctx context.Context, a *app.App) error {
					_, err := a.RevokeCredential(ctx, staff, id, "issued in error")
					return err
				},
				func(ctx context.Context, a *app.App) error {
					_, err := a.SuspendCredential(ctx, staff, id, "under investigation")
					return err
				})
			p := nonEmpty(unexpected("revoke", errs[0]), unexpected("suspend", errs[1], app.CodeConflict))
			ok := 0
			for _, err := range errs {
				if err == nil {
					ok++
				}
			}
			var c ledger.IssuedCredential
			var types []string
			if err := e.st.View(e.ctx, func(tx ledger.Tx) error {
				var err error
				if c, err = tx.Credential(e.ctx, id); err != nil {
					return err
				}
				evs, _, err := tx.Stream(e.ctx, cand)
				for _, ev := range evs {
					switch ev.Type {
					case app.EvCredRevoked, app.EvCredSuspended, app.EvCredReinstated:
						types = append(types, ev.Type)
					}
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if c.Status != ledger.CredentialRevoked || c.Reason != "issued in error" {
				p = append(p, fmt.Sprintf("credential %s %q; want revoked, issued in error", c.Status, c.Reason))
			}
			if int(c.Rev) != 1+ok || len(types) != ok || len(types) == 0 || types[len(types)-1] != app.EvCredRevoked {
				p = append(p, fmt.Sprintf("%d changes succeeded; the credential is at Rev %d and its history has %v", ok, c.Rev, types))
			}
			res.round(r, p...)
		}
		res.report(t, e.rounds())
	})
}
