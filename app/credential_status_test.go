package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// fakeIssuer stands for the credential adapter (the credential package,
// whose own tests sign and verify for real): here what is under test is
// the status of issued credentials, not their signatures. It "secures" a
// credential as its id and "signs" a status list as the indexes set,
// counting the signatures made.
type fakeIssuer struct {
	mu     sync.Mutex
	signed int
}

var (
	_ app.CredentialIssuer = (*fakeIssuer)(nil)
	_ app.IssuerIdentity   = (*fakeIssuer)(nil)
)

func (f *fakeIssuer) IssueCredential(in app.CredentialInput) ([]byte, string, error) {
	return []byte(`{"id":"urn:uuid:` + in.ID + `"}`), "jwt." + in.ID, nil
}
func (f *fakeIssuer) DIDDocument() ([]byte, error) { return []byte(`{}`), nil }
func (f *fakeIssuer) JWKS() ([]byte, error)        { return []byte(`{"keys":[]}`), nil }
func (f *fakeIssuer) StatusList(purpose string, set []int, _ time.Time) ([]byte, time.Duration, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.signed++
	b, err := json.Marshal(set)
	return b, time.Hour, err
}

// memQueue keeps what app queues; the tests run the jobs.
type memQueue struct {
	mu   sync.Mutex
	jobs []app.Job
}

func (q *memQueue) Enqueue(_ context.Context, _ ledger.Tx, jobs []app.Job) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.jobs = append(q.jobs, jobs...)
	return nil
}

func (q *memQueue) take(kind string) []app.Job {
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

// credFixture is an App that issues credentials, with Google Cloud's
// program (a 30-day grace after expiry, GC-V2) active.
type credFixture struct {
	a   *app.App
	st  ledger.Store
	clk *clock
	q   *memQueue
	iss *fakeIssuer
	ctx context.Context
}

var staff = app.Principal{TokenID: "tok_staff", Role: app.RoleStaff}

func newCredFixture(t *testing.T, st ledger.Store) *credFixture {
	t.Helper()
	f := &credFixture{st: st, clk: &clock{}, q: &memQueue{}, iss: &fakeIssuer{}, ctx: context.Background()}
	f.clk.set("2026-02-01T09:00:00Z")
	n := 0
	var mu sync.Mutex
	f.a = app.New(st, app.WithClock(f.clk.now), app.WithIssuer(f.iss), app.WithCredentials(f.iss),
		app.WithIDs(func(p string) string { mu.Lock(); defer mu.Unlock(); n++; return fmt.Sprintf("%s%04d", p, n) }))
	f.a.UseQueue(f.q)
	src, err := os.ReadFile("../programs/google-cloud.yaml")
	if err != nil {
		t.Fatal(err)
	}
	info, err := f.a.UploadProgram(f.ctx, app.System, "google-cloud.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.ActivateProgram(f.ctx, app.System, info.ID, info.Version); err != nil {
		t.Fatal(err)
	}
	return f
}

// certified creates a Google Cloud candidate who passed GCP-ACE on
// 2023-06-10 and returns the credential issued for it.
func (f *credFixture) certified(t *testing.T, id string) ledger.IssuedCredential {
	t.Helper()
	if _, err := f.a.CreateCandidate(f.ctx, app.System, app.CandidateInput{ID: id, Name: "Grace " + id, Email: id + "@example.com", TimeZone: "UTC", Program: "google-cloud"}); err != nil {
		t.Fatal(err)
	}
	cs := f.pass(t, id, "2023-06-10T15:00:00Z")
	return cs[len(cs)-1]
}

// pass records a GCP-ACE pass, runs the credential jobs it queued and
// returns the candidate's credentials.
func (f *credFixture) pass(t *testing.T, id, on string) []ledger.IssuedCredential {
	t.Helper()
	if _, err := f.a.RecordResult(f.ctx, app.System, app.ResultInput{Candidate: id, Exam: "GCP-ACE", On: slot(on), Scaled: score(800)}); err != nil {
		t.Fatal(err)
	}
	for _, j := range f.q.take(app.JobCredential) {
		f.work(t, j)
	}
	return f.creds(t, id)
}

func (f *credFixture) work(t *testing.T, j app.Job) {
	t.Helper()
	if err := f.a.Work(f.ctx, j, 1, func(context.Context, ledger.Tx) error { return nil }); err != nil {
		t.Fatalf("job %+v: %v", j, err)
	}
}

func (f *credFixture) creds(t *testing.T, id string) []ledger.IssuedCredential {
	t.Helper()
	cs, err := f.a.Credentials(f.ctx, app.System, id, ledger.Page{})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func (f *credFixture) cred(t *testing.T, id string) ledger.IssuedCredential {
	t.Helper()
	c, err := f.a.Credential(f.ctx, app.System, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// bits are the indexes set in a list, as the store and as the signed
// list say.
func (f *credFixture) bits(t *testing.T, purpose string) (stored, signed []int) {
	t.Helper()
	if err := f.st.View(f.ctx, func(tx ledger.Tx) error {
		var err error
		stored, err = tx.StatusBits(f.ctx, purpose)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	body, _, err := f.a.StatusList(f.ctx, purpose)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(body, &signed); err != nil {
		t.Fatal(err)
	}
	return stored, signed
}

// wantBits checks that exactly the indexes want are set in the list, in
// the store and in the list signed at this moment.
func (f *credFixture) wantBits(t *testing.T, purpose string, want ...int) {
	t.Helper()
	slices.Sort(want)
	stored, signed := f.bits(t, purpose)
	if fmt.Sprint(stored) != fmt.Sprint(want) || fmt.Sprint(signed) != fmt.Sprint(want) {
		t.Fatalf("%s list: stored %v, signed %v; want %v", purpose, stored, signed, want)
	}
}

// credEvents are the credential_* events of a candidate's history.
func (f *credFixture) credEvents(t *testing.T, candidate string) []app.EventData {
	t.Helper()
	var out []app.EventData
	if err := f.st.View(f.ctx, func(tx ledger.Tx) error {
		evs, _, err := tx.Stream(f.ctx, candidate)
		for _, e := range evs {
			if strings.HasPrefix(e.Type, "credential_") {
				var d app.EventData
				if err := json.Unmarshal(e.Data, &d); err != nil {
					return err
				}
				d.Exam = e.Type // the type, beside its data
				out = append(out, d)
			}
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCredentialStaffStatus: staff suspend, reinstate and revoke a
// credential with a reason; each change is in the credential, in the
// candidate's history and at once in the signed status lists; revoked is
// for good; candidates and centers may not, a change needs a reason, and
// an unknown credential is not found.
func TestCredentialStaffStatus(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		f := newCredFixture(t, st)
		c := f.certified(t, "g1")
		f.certified(t, "g2")
		if c.Status != ledger.CredentialActive {
			t.Fatalf("issued %+v; want active", c)
		}
		f.wantBits(t, ledger.PurposeSuspension)
		signed := f.iss.signed
		f.wantBits(t, ledger.PurposeSuspension) // nothing changed: the cached list
		if f.iss.signed != signed {
			t.Fatalf("an unchanged list was signed again")
		}

		got, err := f.a.SuspendCredential(f.ctx, staff, c.ID, "under investigation")
		if err != nil || got.Status != ledger.CredentialSuspended || got.Reason != "under investigation" || !got.ChangedAt.Equal(f.clk.now()) {
			t.Fatalf("suspend: %+v, %v", got, err)
		}
		f.wantBits(t, ledger.PurposeSuspension, c.SuspensionIndex) // re-signed at once, within the list's ttl
		_, err = f.a.SuspendCredential(f.ctx, staff, c.ID, "again")
		mustCode(t, err, app.CodeConflict)

		got, err = f.a.ReinstateCredential(f.ctx, staff, c.ID, "cleared")
		if err != nil || got.Status != ledger.CredentialActive || got.Reason != "cleared" {
			t.Fatalf("reinstate: %+v, %v", got, err)
		}
		f.wantBits(t, ledger.PurposeSuspension)
		_, err = f.a.ReinstateCredential(f.ctx, staff, c.ID, "again")
		mustCode(t, err, app.CodeConflict)

		// Who may: staff only; the holder may read it, nobody else.
		holder := app.Principal{TokenID: "tok_g1", Role: app.RoleCandidate, Subject: "g1"}
		center := app.Principal{TokenID: "tok_tc", Role: app.RoleCenter, Subject: "tc1"}
		for _, pr := range []app.Principal{holder, center} {
			_, err = f.a.RevokeCredential(f.ctx, pr, c.ID, "mine")
			mustCode(t, err, app.CodeForbidden)
			_, err = f.a.SuspendCredential(f.ctx, pr, c.ID, "mine")
			mustCode(t, err, app.CodeForbidden)
		}
		if got, err := f.a.Credential(f.ctx, holder, c.ID); err != nil || got.ID != c.ID || got.JWT != c.JWT {
			t.Fatalf("the holder reads %+v, %v", got, err)
		}
		for _, pr := range []app.Principal{{TokenID: "tok_g2", Role: app.RoleCandidate, Subject: "g2"}, center} {
			_, err = f.a.Credential(f.ctx, pr, c.ID)
			mustCode(t, err, app.CodeNotFound)
		}
		_, err = f.a.RevokeCredential(f.ctx, staff, c.ID, "")
		mustCode(t, err, app.CodeInvalid)
		_, err = f.a.SuspendCredential(f.ctx, staff, c.ID, "bad\x00reason")
		mustCode(t, err, app.CodeInvalid)
		for _, id := range []string{"cred_nope", "../x"} {
			_, err = f.a.RevokeCredential(f.ctx, staff, id, "why")
			mustCode(t, err, app.CodeNotFound)
			_, err = f.a.Credential(f.ctx, staff, id)
			mustCode(t, err, app.CodeNotFound)
		}

		got, err = f.a.RevokeCredential(f.ctx, staff, c.ID, "issued in error")
		if err != nil || got.Status != ledger.CredentialRevoked || got.Reason != "issued in error" {
			t.Fatalf("revoke: %+v, %v", got, err)
		}
		f.wantBits(t, ledger.PurposeRevocation, c.RevocationIndex)
		f.wantBits(t, ledger.PurposeSuspension)
		for _, change := range []func(context.Context, app.Principal, string, string) (ledger.IssuedCredential, error){
			f.a.ReinstateCredential, f.a.SuspendCredential, f.a.RevokeCredential} {
			_, err = change(f.ctx, staff, c.ID, "undo")
			mustCode(t, err, app.CodeConflict)
		}
		if got := f.cred(t, c.ID); got.Status != ledger.CredentialRevoked || got.Reason != "issued in error" {
			t.Fatalf("after refused changes: %+v; want revoked, its reason kept", got)
		}

		evs := f.credEvents(t, "g1")
		var seen []string
		for _, e := range evs {
			if e.Credential != c.ID || e.Automatic || e.By == nil || e.By.Token != "tok_staff" {
				t.Errorf("event %+v: want one by tok_staff about %s", e, c.ID)
			}
			seen = append(seen, e.Exam+": "+e.Reason)
		}
		want := []string{"credential_suspended: under investigation", "credential_reinstated: cleared", "credential_revoked: issued in error"}
		if !slices.Equal(seen, want) {
			t.Fatalf("history %q; want %q", seen, want)
		}
	})
}

// TestCertificationRevokeRevokesCredentials: revoking a certification, by
// the Revoke use case or by an imported certification_revoked event,
// revokes its credentials in the same write with the revocation's reason,
// in the store and the signed list, whatever their status was.
func TestCertificationRevokeRevokesCredentials(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		f := newCredFixture(t, st)
		c1 := f.certified(t, "g1")
		c2 := f.certified(t, "g2")
		if _, err := f.a.SuspendCredential(f.ctx, staff, c1.ID, "under investigation"); err != nil {
			t.Fatal(err)
		}
		f.wantBits(t, ledger.PurposeRevocation)
		if _, err := f.a.Revoke(f.ctx, staff, "g1", "associate-cloud-engineer", "exam content leaked"); err != nil {
			t.Fatal(err)
		}
		if got := f.cred(t, c1.ID); got.Status != ledger.CredentialRevoked || got.Reason != "exam content leaked" {
			t.Fatalf("after the certification's revocation: %+v; want revoked with its reason", got)
		}
		f.wantBits(t, ledger.PurposeRevocation, c1.RevocationIndex)
		evs := f.credEvents(t, "g1")
		if last := evs[len(evs)-1]; last.Exam != app.EvCredRevoked || !last.Automatic || last.Credential != c1.ID || last.Reason != "exam content leaked" {
			t.Fatalf("last credential event %+v; want an automatic credential_revoked", last)
		}

		// An imported revocation, appended to g2's stream.
		var version int64
		if err := st.View(f.ctx, func(tx ledger.Tx) error {
			_, v, err := tx.Stream(f.ctx, "g2")
			version = v
			return err
		}); err != nil {
			t.Fatal(err)
		}
		row := fmt.Sprintf(`{"kind":"event","candidate":"g2","seq":%d,"type":"certification_revoked","data":{"certification":"associate-cloud-engineer","reason":"breach of the agreement"},"recorded_at":"2026-01-30T10:00:00Z"}`, version+1)
		rr, err := app.NewRowReader(strings.NewReader(row+"\n"), "jsonl")
		if err != nil {
			t.Fatal(err)
		}
		res, err := f.a.Import(f.ctx, app.System, "revocations.jsonl", rr, app.ImportOptions{})
		if err != nil || len(res.Errors) != 0 || res.Imported != 1 {
			t.Fatalf("import: %+v, %v", res, err)
		}
		if got := f.cred(t, c2.ID); got.Status != ledger.CredentialRevoked || got.Reason != "breach of the agreement" {
			t.Fatalf("after an imported revocation: %+v; want revoked with its reason", got)
		}
		f.wantBits(t, ledger.PurposeRevocation, c1.RevocationIndex, c2.RevocationIndex)
	})
}

// expiry runs the job of a candidate's certification_expired notice, as
// the worker would once it falls due (the expiry job records the expiry).
func (f *credFixture) expiry(t *testing.T, candidate string) {
	t.Helper()
	var n ledger.Notice
	if err := f.st.View(f.ctx, func(tx ledger.Tx) error {
		v, err := tx.View(f.ctx, candidate)
		for _, x := range v.Notices {
			if x.Kind == string(policy.NoticeExpired) {
				n = x
			}
		}
		return err
	}); err != nil || n.Candidate == "" {
		t.Fatalf("no certification_expired notice for %s (%v)", candidate, err)
	}
	f.work(t, app.Job{Kind: app.JobNotice, Notice: n})
}

// TestGraceSuspendsCredential: Google Cloud's term of a pass on
// 2023-06-10 ends on 2026-06-10 (GC-V1) and can be renewed for 30 days
// more (GC-V2). When its expiry is recorded the current credential is
// suspended, saying until when; a renewal lifts that (the new credential
// supersedes it), the grace's end lifts it too (it then reads as expired
// by its dates); a staff suspension or revocation is never undone by
// either.
func TestGraceSuspendsCredential(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		f := newCredFixture(t, st)
		renewed, lapsed, held, revoked := f.certified(t, "g1"), f.certified(t, "g2"), f.certified(t, "g3"), f.certified(t, "g4")
		if _, err := f.a.RevokeCredential(f.ctx, staff, revoked.ID, "issued in error"); err != nil {
			t.Fatal(err)
		}
		f.clk.set("2026-06-11T10:00:00Z")
		const inGrace = "in its grace period until 2026-07-10: renewable until then (GC-V2)"
		for _, g := range []string{"g1", "g2", "g3", "g4"} {
			f.expiry(t, g)
		}
		for _, c := range []ledger.IssuedCredential{renewed, lapsed, held} {
			if got := f.cred(t, c.ID); got.Status != ledger.CredentialSuspended || got.Reason != inGrace {
				t.Fatalf("%s in grace: %+v; want suspended: %s", c.Candidate, got, inGrace)
			}
		}
		if got := f.cred(t, revoked.ID); got.Status != ledger.CredentialRevoked || got.Reason != "issued in error" {
			t.Fatalf("a revoked credential in grace: %+v; want revoked as staff did", got)
		}
		f.wantBits(t, ledger.PurposeSuspension, renewed.SuspensionIndex, lapsed.SuspensionIndex, held.SuspensionIndex)
		ends := f.q.take(app.JobCredentialStatus)
		if len(ends) != 3 || !ends[0].At.Equal(slot("2026-07-11T00:00:00Z")) || ends[0].Term != "2026-07-10" {
			t.Fatalf("grace end jobs %+v; want 3, at 2026-07-11 00:00 UTC", ends)
		}
		// An automatic suspension is not staff's to lift; suspending
		// makes it staff's.
		_, err := f.a.ReinstateCredential(f.ctx, staff, held.ID, "early")
		mustCode(t, err, app.CodeConflict)
		if _, err := f.a.SuspendCredential(f.ctx, staff, held.ID, "under investigation"); err != nil {
			t.Fatal(err)
		}

		// g1 renews in grace: the old credential's suspension is lifted
		// and a new one issued that supersedes it.
		f.clk.set("2026-06-20T10:00:00Z")
		cs := f.pass(t, "g1", "2026-06-20T08:00:00Z")
		if len(cs) != 2 || cs[1].Supersedes != renewed.ID || cs[1].Status != ledger.CredentialActive {
			t.Fatalf("g1's credentials after the renewal: %+v; want the new one active, superseding %s", cs, renewed.ID)
		}
		if got := f.cred(t, renewed.ID); got.Status != ledger.CredentialActive || !strings.Contains(got.Reason, "renewed") {
			t.Fatalf("the renewed term's credential: %+v; want active again, renewed", got)
		}
		f.wantBits(t, ledger.PurposeSuspension, lapsed.SuspensionIndex, held.SuspensionIndex)

		// The grace ends: g2's automatic suspension is lifted, g3's staff
		// suspension stays, g1's new credential is untouched.
		f.clk.set("2026-07-11T00:00:00Z")
		for _, j := range ends {
			f.work(t, j)
		}
		want := "the grace period ended on 2026-07-10 without a renewal: expired since 2026-06-10 (GC-V3)"
		if got := f.cred(t, lapsed.ID); got.Status != ledger.CredentialActive || got.Reason != want {
			t.Fatalf("g2 after the grace: %+v; want active (expired by its dates): %s", got, want)
		}
		if got := f.cred(t, held.ID); got.Status != ledger.CredentialSuspended || got.Reason != "under investigation" {
			t.Fatalf("g3 after the grace: %+v; want staff's suspension kept", got)
		}
		if got := f.cred(t, cs[1].ID); got.Status != ledger.CredentialActive || got.Reason != "" {
			t.Fatalf("g1's new credential: %+v; want untouched", got)
		}
		f.wantBits(t, ledger.PurposeSuspension, held.SuspensionIndex)
		for _, e := range f.credEvents(t, "g2") {
			if !e.Automatic || e.By == nil || e.By.Role != "system" || e.Rule == "" {
				t.Errorf("g2's event %+v: want automatic, by the system, with its rule", e)
			}
		}
		if evs := f.credEvents(t, "g2"); len(evs) != 2 || evs[0].Exam != app.EvCredSuspended || evs[1].Exam != app.EvCredReinstated {
			t.Fatalf("g2's credential history %+v; want suspended then reinstated", evs)
		}

		// The history with the new events rebuilds, and exports.
		if _, err := f.a.RebuildViews(f.ctx, app.System); err != nil {
			t.Fatalf("rebuild: %v", err)
		}
		var out strings.Builder
		if err := f.a.Export(f.ctx, app.System, &out); err != nil || !strings.Contains(out.String(), `"type":"credential_reinstated"`) {
			t.Fatalf("export: %v; want the credential events in it", err)
		}
		if got := f.cred(t, held.ID); got.Status != ledger.CredentialSuspended {
			t.Fatalf("after rebuild: %+v; want the statuses kept", got)
		}
		// The export, credential events and all, reads into another store.
		other := app.New(stores["sqlite"](t), app.WithClock(f.clk.now))
		rr, err := app.NewRowReader(strings.NewReader(out.String()), "jsonl")
		if err != nil {
			t.Fatal(err)
		}
		if rep, err := other.Import(f.ctx, app.System, "export.jsonl", rr, app.ImportOptions{}); err != nil || len(rep.Errors) != 0 {
			t.Fatalf("import of the export: %+v, %v", rep, err)
		}
	})
}
