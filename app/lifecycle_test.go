package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

// TestRevokeAndExpire: a revoked certification shows as revoked with its
// reason in the ledger and cannot be renewed; a lapsed one gets one
// certification_expired event however often its job runs.
func TestRevokeAndExpire(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		f := newFixture(t, st)
		f.candidate(t, "c1")
		f.candidate(t, "c2")
		for _, c := range []struct{ cand, exam, on string }{{"c1", "AIF-C01", "2025-06-10T15:00:00Z"}, {"c2", "CLF-C02", "2023-01-20T15:00:00Z"}} {
			if _, err := f.a.RecordResult(f.ctx, app.System, app.ResultInput{Candidate: c.cand, Exam: c.exam, On: slot(c.on), Scaled: score(780)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.a.Revoke(f.ctx, app.Principal{Role: app.RoleCandidate, Subject: "c1"}, "c1", "ai-practitioner", "x"); app.ErrorCode(err) != app.CodeForbidden {
			t.Fatalf("a candidate revoking: %v, want forbidden", err)
		}
		_, err := f.a.Revoke(f.ctx, app.System, "c1", "ai-practitioner", "")
		mustCode(t, err, app.CodeInvalid)
		c, err := f.a.Revoke(f.ctx, app.System, "c1", "ai-practitioner", "results invalidated by a security review")
		if err != nil {
			t.Fatal(err)
		}
		if c.State != "revoked" || !c.Revoked || c.BasisExam != "AIF-C01" || len(c.History) != 2 {
			t.Fatalf("revoked: %+v; want state revoked, still naming the pass, with earned and revoked events", c)
		}
		for _, c := range []struct{ cand, why string }{{"c1", "again"}, {"c2", "never held"}} {
			_, err = f.a.Revoke(f.ctx, app.System, c.cand, "ai-practitioner", c.why)
			e := mustCode(t, err, app.CodeRefused)
			if len(e.Reasons) != 1 || e.Reasons[0] != "not_held" || len(e.Explanation) == 0 || !strings.Contains(e.Explanation[0], "(R16)") {
				t.Errorf("revoking %s's ai-practitioner %s: %+v; want not_held, explained with R16", c.cand, c.why, e)
			}
		}
		s, _ := f.a.Standing(f.ctx, app.System, "c1")
		if len(s.Certifications) != 1 || s.Certifications[0].State != "revoked" {
			t.Fatalf("standing %+v: want the certification revoked", s.Certifications)
		}

		// c2's Cloud Practitioner expired on 2026-01-20; the clock says
		// 2026-02-01, within the expiry notice's 30 days. The expiry is a notice of the engine's schedule, and
		// its job records it in the ledger once, however often it runs.
		var expiry ledger.Notice
		if err := st.View(f.ctx, func(tx ledger.Tx) error {
			v, err := tx.View(f.ctx, "c2")
			for _, n := range v.Notices {
				if n.Kind == "certification_expired" {
					expiry = n
				}
			}
			return err
		}); err != nil || expiry.Candidate != "c2" {
			t.Fatalf("c2's notices: no certification_expired (%v)", err)
		}
		for i := 0; i < 2; i++ {
			done := 0
			err := f.a.Work(f.ctx, app.Job{Kind: app.JobNotice, Notice: expiry}, 1, func(context.Context, ledger.Tx) error { done++; return nil })
			if err != nil || done != 1 {
				t.Fatalf("expiry job, run %d: %v, done %d times; want nil, once", i+1, err, done)
			}
		}
		s, _ = f.a.Standing(f.ctx, app.System, "c2")
		h := s.Certifications[0].History
		if s.Certifications[0].State != "expired" || len(h) != 2 || h[1].Type != "certification_expired" {
			t.Fatalf("c2: %+v; want expired with its earned and expired events", s.Certifications[0])
		}
	})
}
