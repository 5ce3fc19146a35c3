package policy_test

import (
	"testing"

	"github.com/recert/recert/definition"
	"github.com/recert/recert/policy"
)

// TestCredentialStatus: the status a certification's term implies for its
// credentials, with the reason code and the program's rule: suspended in
// Google Cloud's 30-day grace (GC-V2) for the current credential only,
// active again once the grace ended (GC-V3), revoked with the
// certification (R16), never suspended where no grace follows the expiry.
func TestCredentialStatus(t *testing.T) {
	google, err := definition.LoadFile("../programs/google-cloud.yaml")
	if err != nil {
		t.Fatal(err)
	}
	grace, err := policy.ParseSpan("P30D")
	if err != nil {
		t.Fatal(err)
	}
	held := policy.Term{Earned: true, Expires: day("2026-06-10"), Grace: grace, BasisDate: day("2023-06-10")}
	noGrace := held
	noGrace.Grace = policy.Span{}
	revoked := policy.Term{Revoked: true, Expires: policy.NoDate}
	for _, c := range []struct {
		name    string
		p       *policy.Program
		term    policy.Term
		on      string
		current bool
		status  string
		code    policy.CredentialCode
		rule    string
		until   string
		reason  string
	}{
		{"held", google, held, "2026-06-10", true, policy.CredentialActive, policy.CredTermActive, "GC-V1", "", "associate-cloud-engineer is held (GC-V1)"},
		{"first day of grace", google, held, "2026-06-11", true, policy.CredentialSuspended, policy.CredInGrace, "GC-V2", "2026-07-10",
			"in its grace period until 2026-07-10: renewable until then (GC-V2)"},
		{"last day of grace", google, held, "2026-07-10", true, policy.CredentialSuspended, policy.CredInGrace, "GC-V2", "2026-07-10",
			"in its grace period until 2026-07-10: renewable until then (GC-V2)"},
		{"grace of a superseded credential", google, held, "2026-06-20", false, policy.CredentialActive, policy.CredRenewed, "GC-V2", "",
			"associate-cloud-engineer was renewed: a later credential supersedes this one (GC-V2)"},
		{"grace ended", google, held, "2026-07-11", true, policy.CredentialActive, policy.CredGraceEnded, "GC-V3", "",
			"the grace period ended on 2026-07-10 without a renewal: expired since 2026-06-10 (GC-V3)"},
		{"no grace (AWS)", aws(), noGrace, "2026-06-11", true, policy.CredentialActive, policy.CredTermExpired, "V1", "", "expired since 2026-06-10 (V1)"},
		{"revoked (AWS)", aws(), revoked, "2026-06-11", true, policy.CredentialRevoked, policy.CredCertRevoked, "R16", "",
			"associate-cloud-engineer was revoked (R16)"},
		{"revoked, superseded too", aws(), revoked, "2026-06-11", false, policy.CredentialRevoked, policy.CredCertRevoked, "R16", "",
			"associate-cloud-engineer was revoked (R16)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := c.p.CredentialStatus("associate-cloud-engineer", c.term, day(c.on), c.current)
			if v.Status != c.status || v.Code != c.code || v.Rule != c.rule || v.Until != day(c.until) || v.Reason != c.reason {
				t.Fatalf("got %+v (until %s)\nwant %s %s %s until %q: %q", v, v.Until, c.status, c.code, c.rule, c.until, c.reason)
			}
		})
	}
}
