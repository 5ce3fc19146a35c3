package credential_test

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/credential"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/sqlite"
)

// verifySite is an app issuing and verifying with real keys on a real
// store, its clock the test's.
type verifySite struct {
	t     *testing.T
	ctx   context.Context
	st    ledger.Store
	a     *app.App
	ks    *credential.Keys
	q     *jobQueue
	clock *time.Time
}

func newVerifySite(t *testing.T, st ledger.Store) *verifySite { return newCachedSite(t, st, 0) }

// newCachedSite is newVerifySite wired as serve wires it: status lists
// asked for and verification contexts kept for cache.
func newCachedSite(t *testing.T, st ledger.Store, cache time.Duration) *verifySite {
	ctx := context.Background()
	ks, err := credential.OpenKeys(ctx, st, masterKey(t), "https://recert.example.org", now)
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 3, 12, 15, 0, 0, 0, time.UTC)
	var a *app.App
	v := credential.NewVerifier(ks, func(purpose string) ([]byte, error) {
		b, _, err := a.StatusList(ctx, purpose)
		return b, err
	})
	v.Refresh = cache
	s := &verifySite{t: t, ctx: ctx, st: st, ks: ks, q: &jobQueue{}, clock: &clock}
	a = app.New(st, app.WithClock(func() time.Time { return *s.clock }), app.WithIssuer(ks), app.WithCredentials(ks), app.WithVerifier(v),
		app.WithVerificationCache(cache))
	a.UseQueue(s.q)
	s.a = a
	return s
}

// pass records a pass and runs the credential job it queued, returning
// the candidate's newest credential.
func (s *verifySite) pass(cand, exam string, on time.Time) ledger.IssuedCredential {
	t := s.t
	t.Helper()
	score := 800
	if _, err := s.a.RecordResult(s.ctx, app.System, app.ResultInput{Candidate: cand, Exam: exam, On: on, Scaled: &score}); err != nil {
		t.Fatal(err)
	}
	for _, j := range s.q.take(app.JobCredential) {
		if err := s.a.Work(s.ctx, j, 1, func(context.Context, ledger.Tx) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	var got []ledger.IssuedCredential
	err := s.st.View(s.ctx, func(tx ledger.Tx) (err error) {
		got, err = tx.ListCredentials(s.ctx, ledger.CredentialFilter{Candidate: cand}, ledger.Page{Limit: 10})
		return err
	})
	if err != nil || len(got) == 0 {
		t.Fatalf("no credential for %s: %v", cand, err)
	}
	latest := got[0]
	for _, c := range got {
		if c.IssuedAt.After(latest.IssuedAt) {
			latest = c
		}
	}
	return latest
}

func (s *verifySite) verify(in []byte) app.Verification {
	s.t.Helper()
	v, err := s.a.VerifyCredential(s.ctx, in)
	if err != nil {
		s.t.Fatal(err)
	}
	return v
}

func (s *verifySite) candidate(id, name, program string) {
	s.t.Helper()
	if _, err := s.a.CreateCandidate(s.ctx, app.System, app.CandidateInput{ID: id, Name: name, Email: id + "@example.com", TimeZone: "UTC", Program: program}); err != nil {
		s.t.Fatal(err)
	}
}

// TestVerifierJoinsTheLedger: a credential issued here verifies in both
// forms as active with its holder, certification and history; changing a
// byte of it fails the signature check and says nothing of its holder; a
// renewal supersedes it (naming the new one); a revocation in the ledger
// shows on the next verification with its reason; the certification's
// first reminder starts "expiring soon"; after validUntil it is expired,
// or in grace where the program keeps renewal open.
func TestVerifierJoinsTheLedger(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store, _ string) {
		s := newVerifySite(t, st)
		s.candidate("ada", "Ada Lovelace", "")
		first := s.pass("ada", "AIF-C01", time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC))
		for _, form := range [][]byte{first.Document, []byte(first.JWT)} {
			v := s.verify(form)
			if v.State != app.VerifyActive || !v.Known || v.ID != first.ID || v.Holder != "Ada Lovelace" || v.Certification != "ai-practitioner" ||
				v.CertificationName != "AWS Certified AI Practitioner" || len(v.History) != 1 || v.AwardedDate == nil || v.Issuer != s.ks.DID() {
				t.Fatalf("%s: %+v", v.Form, v)
			}
		}
		if v, err := s.a.VerifyStored(s.ctx, s.ks.CredentialURL(first.ID)); err != nil || v.State != app.VerifyActive || v.Form != "vc+jwt" {
			t.Fatalf("by URL: %+v %v", v, err)
		}
		if _, err := s.a.VerifyStored(s.ctx, "https://elsewhere.example/credentials/"+first.ID); app.ErrorCode(err) != app.CodeNotFound {
			t.Fatalf("another issuer's URL: %v", err)
		}

		// Tampered: the payload names someone else.
		parts := strings.Split(first.JWT, ".")
		payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
		parts[1] = base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(payload), "Ada Lovelace", "Eve Mallory", 1)))
		doc := []byte(strings.Replace(string(first.Document), "Ada Lovelace", "Eve Mallory", 1))
		for _, in := range [][]byte{[]byte(strings.Join(parts, ".")), doc} {
			v := s.verify(in)
			if v.State != app.VerifyInvalid || v.FailedCheck != "signature" || v.Known || v.Holder != "" {
				t.Fatalf("tampered %s: %+v", v.Form, v)
			}
		}
		if v := s.verify([]byte("not a credential")); v.State != app.VerifyInvalid || v.FailedCheck != "format" {
			t.Fatalf("garbage: %+v", v)
		}

		// Renewed: the first is superseded by the second.
		*s.clock = time.Date(2028, 6, 2, 15, 0, 0, 0, time.UTC)
		renewed := s.pass("ada", "AIF-C01", time.Date(2028, 6, 1, 15, 0, 0, 0, time.UTC))
		v := s.verify(first.Document)
		if v.State != app.VerifySuperseded || v.SupersededBy != renewed.ID || v.SupersededByURL != s.ks.CredentialURL(renewed.ID) {
			t.Fatalf("the first after renewal: %+v", v)
		}
		v = s.verify([]byte(renewed.JWT))
		if v.State != app.VerifyActive || v.Supersedes != first.ID || len(v.History) != 2 || v.History[0].ID != first.ID ||
			v.History[0].State != app.VerifySuperseded || v.History[1].State != app.VerifyActive || !v.AwardedDate.Equal(first.AwardedDate) {
			t.Fatalf("the renewal: %+v", v)
		}

		// Expiring soon from the certification's first reminder (AWS: 180 days).
		*s.clock = renewed.ValidUntil.AddDate(0, 0, -100)
		if v := s.verify([]byte(renewed.JWT)); v.State != app.VerifyExpiringSoon {
			t.Fatalf("100 days before expiry: %s, want expiring_soon (180-day reminder)", v.State)
		}

		// Revoked in the ledger: the next call says so, with the reason.
		err := st.Update(s.ctx, func(tx ledger.Tx) error {
			renewed.Status, renewed.Reason, renewed.ChangedAt = ledger.CredentialRevoked, "results invalidated", *s.clock
			_, err := tx.SetCredentialStatus(s.ctx, renewed)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, form := range [][]byte{renewed.Document, []byte(renewed.JWT)} {
			v := s.verify(form)
			if v.State != app.VerifyRevoked || v.Reason != "results invalidated" {
				t.Fatalf("revoked %s: %+v", v.Form, v)
			}
			if !statusCheck(v, "revoked") {
				t.Errorf("the status list itself does not say revoked: %+v", v.Checks)
			}
		}
	})
}

// statusCheck says whether the verifier's own status check found want.
func statusCheck(v app.Verification, want string) bool {
	for _, c := range v.Checks {
		if c.Name == "status" && c.OK && c.Detail == want {
			return true
		}
	}
	return false
}

// TestVerifierExpiredAndGrace: past validUntil a credential is expired,
// unless the program's grace keeps its certification renewable (Google
// Cloud: 30 days), when it is in grace; after the grace, expired.
func TestVerifierExpiredAndGrace(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store, _ string) {
		s := newVerifySite(t, st)
		src, err := os.ReadFile("../programs/google-cloud.yaml")
		if err != nil {
			t.Fatal(err)
		}
		info, err := s.a.UploadProgram(s.ctx, app.System, "google-cloud.yaml", src)
		if err == nil {
			_, err = s.a.ActivateProgram(s.ctx, app.System, info.ID, info.Version)
		}
		if err != nil {
			t.Fatal(err)
		}
		s.candidate("ada", "Ada Lovelace", "")
		s.candidate("gus", "Gus Grace", "google-cloud")
		aws := s.pass("ada", "AIF-C01", time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC))
		gc := s.pass("gus", "GCP-CDL", time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC))
		*s.clock = aws.ValidUntil.AddDate(0, 0, 10)
		if v := s.verify([]byte(aws.JWT)); v.State != app.VerifyExpired {
			t.Fatalf("AWS, 10 days after expiry: %+v", v)
		}
		*s.clock = gc.ValidUntil.AddDate(0, 0, 10)
		if v := s.verify([]byte(gc.JWT)); v.State != app.VerifyInGrace || v.ValidUntil == nil {
			t.Fatalf("Google Cloud, 10 days after expiry: %+v", v)
		}
		*s.clock = gc.ValidUntil.AddDate(0, 0, 40)
		if v := s.verify([]byte(gc.JWT)); v.State != app.VerifyExpired {
			t.Fatalf("Google Cloud, 40 days after expiry: %s", v.State)
		}
	})
}

// TestVerifierCachedSeesStatusAtOnce: with serve's caches (lists asked for
// once a minute here, records kept as long), a suspension and then a
// revocation made through this app still show on the very next
// verification, with their reasons: the write that made them empties the
// cache when it commits.
func TestVerifierCachedSeesStatusAtOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store, _ string) {
		s := newCachedSite(t, st, time.Minute)
		s.candidate("ada", "Ada Lovelace", "")
		c := s.pass("ada", "AIF-C01", time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC))
		if v := s.verify([]byte(c.JWT)); v.State != app.VerifyActive {
			t.Fatalf("first: %s", v.State)
		}
		for _, step := range []struct {
			change func() (ledger.IssuedCredential, error)
			reason string
			want   string
		}{
			{func() (ledger.IssuedCredential, error) {
				return s.a.SuspendCredential(s.ctx, app.System, c.ID, "under review")
			}, "under review", app.VerifySuspended},
			{func() (ledger.IssuedCredential, error) {
				return s.a.RevokeCredential(s.ctx, app.System, c.ID, "results invalidated")
			}, "results invalidated", app.VerifyRevoked},
		} {
			if _, err := step.change(); err != nil {
				t.Fatal(err)
			}
			if v := s.verify([]byte(c.JWT)); v.State != step.want || v.Reason != step.reason || v.History[0].State != step.want {
				t.Fatalf("after %s: %s %q %+v", step.want, v.State, v.Reason, v.History)
			}
		}
	})
}

// TestVerifierCacheOfAnotherServersChange: a change another server makes
// on the same database (here: straight in the store, which this app does
// not see) is not read while the cached record is fresh, so a repeated
// verification reads nothing; it shows once the cache's time is up, far
// inside the status list's own ttl.
func TestVerifierCacheOfAnotherServersChange(t *testing.T) {
	for _, c := range []struct {
		ttl   time.Duration
		fresh bool
	}{{time.Hour, true}, {20 * time.Millisecond, false}} {
		eachStore(t, func(t *testing.T, st ledger.Store, _ string) {
			s := newCachedSite(t, st, c.ttl)
			name := "ada" + strconv.FormatBool(c.fresh)
			s.candidate(name, "Ada Lovelace", "")
			cred := s.pass(name, "AIF-C01", time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC))
			if v := s.verify([]byte(cred.JWT)); v.State != app.VerifyActive {
				t.Fatalf("first: %s", v.State)
			}
			err := st.Update(s.ctx, func(tx ledger.Tx) error {
				cur, err := tx.Credential(s.ctx, cred.ID)
				if err != nil {
					return err
				}
				cur.Status, cur.Reason, cur.ChangedAt = ledger.CredentialRevoked, "elsewhere", *s.clock
				_, err = tx.SetCredentialStatus(s.ctx, cur)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if c.fresh {
				if v := s.verify([]byte(cred.JWT)); v.State != app.VerifyActive {
					t.Fatalf("within an hour's cache: %s; want the cached active (nothing read)", v.State)
				}
				return
			}
			deadline := time.Now().Add(10 * time.Second)
			for v := s.verify([]byte(cred.JWT)); v.State != app.VerifyRevoked; v = s.verify([]byte(cred.JWT)) {
				if time.Now().After(deadline) {
					t.Fatalf("10 s after another server's revocation, with a 20 ms cache: %s", v.State)
				}
				time.Sleep(5 * time.Millisecond)
			}
		})
	}
}

// TestVerifierNamesAForeignIssuer: a credential another recert issued
// (another DID, its own keys) fails the issuer check, in both forms, and
// nothing of it is looked up.
func TestVerifierNamesAForeignIssuer(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store, _ string) {
		s := newVerifySite(t, st)
		other, err := sqliteStore(t)
		if err != nil {
			t.Fatal(err)
		}
		ks2, err := credential.OpenKeys(s.ctx, other, masterKey(t), "https://other.example.net", now)
		if err != nil {
			t.Fatal(err)
		}
		doc, jwt, err := ks2.IssueCredential(app.CredentialInput{ID: "cred_x", CandidateID: "ada", CandidateName: "Ada Lovelace",
			Certification: "ai-practitioner", CertificationName: "AWS Certified AI Practitioner", Exam: "AIF-C01",
			AwardedDate: now, ValidFrom: now, ValidUntil: now.AddDate(3, 0, 0), RevocationIndex: 1, SuspensionIndex: 2, IssuedAt: now})
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range [][]byte{doc, []byte(jwt)} {
			v := s.verify(in)
			if v.State != app.VerifyInvalid || v.FailedCheck != "issuer" || v.Known || !strings.Contains(checkDetail(v, "issuer"), "did:web:other.example.net") {
				t.Errorf("%s: %+v", v.Form, v)
			}
		}
	})
}

func checkDetail(v app.Verification, name string) string {
	for _, c := range v.Checks {
		if c.Name == name {
			return c.Detail
		}
	}
	return ""
}

func sqliteStore(t *testing.T) (ledger.Store, error) {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "other.db"))
	if err == nil {
		t.Cleanup(func() { db.Close() })
	}
	return db, err
}

// TestVerifierReadsTheHolderFromTheCredential: what the adapter hands app
// names the holder and the certification as the credential says them
// (the subject's name identifier), so a credential this issuer signed but
// this ledger does not hold still shows whose it is.
func TestVerifierReadsTheHolderFromTheCredential(t *testing.T) {
	st, err := sqliteStore(t)
	if err != nil {
		t.Fatal(err)
	}
	s := newVerifySite(t, st)
	s.candidate("ada", "Ada Lovelace", "")
	c := s.pass("ada", "AIF-C01", time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC))
	v := credential.NewVerifier(s.ks, func(purpose string) ([]byte, error) {
		b, _, err := s.a.StatusList(s.ctx, purpose)
		return b, err
	})
	for _, in := range [][]byte{[]byte(c.JWT), c.Document} {
		r := v.Verify(in, *s.clock)
		if r.Holder != "Ada Lovelace" || r.Name == "" || r.LocalID != c.ID {
			t.Errorf("%s: holder %q, certification %q, id %q; want Ada Lovelace's %s", r.Form, r.Holder, r.Name, r.LocalID, c.ID)
		}
	}
}
