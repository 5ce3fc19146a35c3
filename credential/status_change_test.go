package credential_test

import (
	"context"
	"crypto"
	"strings"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/credential"
	"github.com/recert/recert/credential/verify"
	"github.com/recert/recert/ledger"
)

// TestStatusChangesVerify: staff suspend, reinstate and revoke through the
// app's use cases, and a certification revoked in the ledger, show at once
// in the issuer's signed status lists as a verifier reads them, in both
// securing forms.
func TestStatusChangesVerify(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store, _ string) {
		ctx := context.Background()
		ks, err := credential.OpenKeys(ctx, st, masterKey(t), "https://recert.example.org", now)
		if err != nil {
			t.Fatal(err)
		}
		clock := time.Date(2026, 3, 12, 15, 0, 0, 0, time.UTC)
		q := &jobQueue{}
		a := app.New(st, app.WithClock(func() time.Time { return clock }), app.WithIssuer(ks), app.WithCredentials(ks))
		a.UseQueue(q)
		staff := app.Principal{TokenID: "tok_staff", Role: app.RoleStaff}
		var creds []ledger.IssuedCredential
		for _, id := range []string{"ada", "bob"} {
			if _, err := a.CreateCandidate(ctx, app.System, app.CandidateInput{ID: id, Name: id, TimeZone: "UTC"}); err != nil {
				t.Fatal(err)
			}
			score := 812
			if _, err := a.RecordResult(ctx, app.System, app.ResultInput{Candidate: id, Exam: "AIF-C01", On: time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC), Scaled: &score}); err != nil {
				t.Fatal(err)
			}
			for _, j := range q.take(app.JobCredential) {
				if err := a.Work(ctx, j, 1, func(context.Context, ledger.Tx) error { return nil }); err != nil {
					t.Fatal(err)
				}
			}
			cs, err := a.Credentials(ctx, app.System, id, ledger.Page{})
			if err != nil || len(cs) != 1 {
				t.Fatalf("%s's credentials: %d, %v", id, len(cs), err)
			}
			creds = append(creds, cs[0])
		}
		v := verify.Verifier{
			Key:     func(vm string) (crypto.PublicKey, error) { return ks.PublicKey(vm) },
			Trusted: func(i string) bool { return i == ks.DID() },
			StatusList: func(url string) (map[string]any, error) {
				body, _, err := a.StatusList(ctx, url[strings.LastIndex(url, "/")+1:])
				if err != nil {
					return nil, err
				}
				return v0.StatusListCredential(body, ks.DID(), clock)
			},
		}
		v0 = v
		check := func(c ledger.IssuedCredential, want, when string) {
			t.Helper()
			for _, form := range [][]byte{c.Document, []byte(c.JWT)} {
				if r := v.Verify(form, clock); r.State != want {
					t.Fatalf("%s: %s %+v; want %s", when, r.State, r.Checks, want)
				}
			}
		}
		ada, bob := creds[0], creds[1]
		check(ada, verify.StateActive, "issued")
		if _, err := a.SuspendCredential(ctx, staff, ada.ID, "under investigation"); err != nil {
			t.Fatal(err)
		}
		check(ada, verify.StateSuspended, "suspended by staff")
		if _, err := a.ReinstateCredential(ctx, staff, ada.ID, "cleared"); err != nil {
			t.Fatal(err)
		}
		check(ada, verify.StateActive, "reinstated")
		if _, err := a.RevokeCredential(ctx, staff, ada.ID, "issued in error"); err != nil {
			t.Fatal(err)
		}
		check(ada, verify.StateRevoked, "revoked by staff")
		check(bob, verify.StateActive, "another's credential")
		if _, err := a.Revoke(ctx, staff, "bob", "ai-practitioner", "results invalidated by a security review"); err != nil {
			t.Fatal(err)
		}
		check(bob, verify.StateRevoked, "its certification revoked")
	})
}
