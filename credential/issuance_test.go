package credential_test

import (
	"context"
	"crypto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/credential"
	"github.com/recert/recert/credential/verify"
	"github.com/recert/recert/ledger"
)

// jobQueue keeps what app queues; the test runs the jobs (River is in the
// queue package and cmd/recert's walk).
type jobQueue struct {
	mu   sync.Mutex
	jobs []app.Job
}

func (q *jobQueue) Enqueue(_ context.Context, _ ledger.Tx, jobs []app.Job) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.jobs = append(q.jobs, jobs...)
	return nil
}

func (q *jobQueue) take(kind string) []app.Job {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out, rest []app.Job
	for _, j := range q.jobs {
		if j.Kind == kind {
			out = append(out, j)
		} else {
			rest = append(rest, j)
		}
	}
	q.jobs = rest
	return out
}

// TestIssuedOnEarningAndRenewal: a pass queues the credential's job in its
// write; the job issues a credential that verifies in both forms on the
// issuer's own status lists; a renewal issues another that keeps the
// first grant's awardedDate and points at the one it supersedes; a
// revocation in the ledger shows in the verifier; a job run twice issues
// once.
func TestIssuedOnEarningAndRenewal(t *testing.T) {
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
		if _, err := a.CreateCandidate(ctx, app.System, app.CandidateInput{ID: "ada", Name: "Ada Lovelace", Email: "ada@example.com", TimeZone: "UTC"}); err != nil {
			t.Fatal(err)
		}
		pass := func(on time.Time, score int) ledger.IssuedCredential {
			t.Helper()
			if _, err := a.RecordResult(ctx, app.System, app.ResultInput{Candidate: "ada", Exam: "AIF-C01", On: on, Scaled: &score}); err != nil {
				t.Fatal(err)
			}
			jobs := q.take(app.JobCredential)
			if len(jobs) != 1 {
				t.Fatalf("the pass queued %d credential jobs, want 1", len(jobs))
			}
			for range 2 { // a second run issues nothing more
				if err := a.Work(ctx, jobs[0], 1, func(context.Context, ledger.Tx) error { return nil }); err != nil {
					t.Fatal(err)
				}
			}
			var got []ledger.IssuedCredential
			_ = st.View(ctx, func(tx ledger.Tx) error {
				got, err = tx.ListCredentials(ctx, ledger.CredentialFilter{Candidate: "ada"}, ledger.Page{Limit: 10})
				return err
			})
			latest := got[len(got)-1]
			for _, c := range got {
				if c.IssuedAt.After(latest.IssuedAt) {
					latest = c
				}
			}
			return latest
		}
		first := pass(time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC), 812)
		mine, err := a.Credentials(ctx, app.Principal{Role: app.RoleCandidate, Subject: "ada", TokenID: "t"}, "ada", ledger.Page{Limit: 10})
		if err != nil || len(mine) != 1 || mine[0].JWT != first.JWT {
			t.Fatalf("ada's own credentials: %d, %v; want the one issued", len(mine), err)
		}
		if _, err := a.Credentials(ctx, app.Principal{Role: app.RoleCandidate, Subject: "bob", TokenID: "t"}, "ada", ledger.Page{Limit: 10}); app.ErrorCode(err) != app.CodeNotFound {
			t.Fatalf("another candidate reading ada's credentials: %v; want not found", err)
		}
		v := verify.Verifier{
			Key:            func(vm string) (crypto.PublicKey, error) { return ks.PublicKey(vm) },
			Trusted:        func(i string) bool { return i == ks.DID() },
			ExpiringWithin: 90 * 24 * time.Hour,
			StatusList: func(url string) (map[string]any, error) {
				purpose := url[strings.LastIndex(url, "/")+1:]
				body, _, err := a.StatusList(ctx, purpose)
				if err != nil {
					return nil, err
				}
				return v0.StatusListCredential(body, ks.DID(), clock)
			},
		}
		v0 = v
		for _, form := range [][]byte{first.Document, []byte(first.JWT)} {
			if r := v.Verify(form, clock); r.State != verify.StateActive {
				t.Fatalf("the first credential: %s %+v", r.State, r.Checks)
			}
		}
		if !strings.Contains(string(first.Document), `"humanCode": "AIF-C01"`) || !strings.Contains(string(first.Document), `"value": "812"`) && !strings.Contains(string(first.Document), "812") {
			t.Errorf("the credential lacks its exam code or score:\n%s", first.Document)
		}

		clock = time.Date(2028, 6, 2, 15, 0, 0, 0, time.UTC)
		renewed := pass(time.Date(2028, 6, 1, 15, 0, 0, 0, time.UTC), 790)
		if renewed.ID == first.ID || !renewed.AwardedDate.Equal(first.AwardedDate) || renewed.Supersedes != first.ID || !renewed.ValidFrom.After(first.ValidFrom) {
			t.Fatalf("the renewal's credential %+v; want a new one with the first grant's awardedDate %s, superseding %s", renewed, first.AwardedDate, first.ID)
		}
		if !strings.Contains(string(renewed.Document), "/credentials/"+first.ID) {
			t.Errorf("the renewal does not name the credential it supersedes")
		}
		if r := v.Verify([]byte(renewed.JWT), clock); r.State != verify.StateActive {
			t.Fatalf("the renewal: %s %+v", r.State, r.Checks)
		}

		err = st.Update(ctx, func(tx ledger.Tx) error {
			renewed.Status, renewed.Reason, renewed.ChangedAt = ledger.CredentialRevoked, "results invalidated", clock
			_, err := tx.SetCredentialStatus(ctx, renewed)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, form := range [][]byte{renewed.Document, []byte(renewed.JWT)} {
			if r := v.Verify(form, clock); r.State != verify.StateRevoked {
				t.Fatalf("after revocation: %s %+v; want revoked", r.State, r.Checks)
			}
		}
	})
}

// v0 lets the verifier's status list fetch use the verifier itself.
var v0 verify.Verifier
