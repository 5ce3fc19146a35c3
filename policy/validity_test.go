package policy_test

import (
	"testing"

	"github.com/recert/recert/policy"
)

const (
	active  = policy.StateActive
	expired = policy.StateExpired
	none    = policy.StateNone
)

// V1: a pass earns its line's certification for three years, active through
// expires_on inclusive, expired from the day after.
func TestV1Validity(t *testing.T) {
	ny := "America/New_York"
	aif := evs{result("AIF-C01", "2026-03-01T15:00:00Z", 760)}
	runCertCases(t, []certCase{
		{name: "valid three years", tz: ny, history: aif, at: "2027-05-01T12:00:00Z", cert: "ai-practitioner", state: active, expires: "2029-03-01"},
		{name: "the passing day", tz: ny, history: aif, at: "2026-03-01T16:00:00Z", cert: "ai-practitioner", state: active, expires: "2029-03-01"},
		{name: "expiry day is active", tz: ny, history: aif, at: "2029-03-02T04:59:59Z", cert: "ai-practitioner", state: active, expires: "2029-03-01"},
		{name: "the day after is expired", tz: ny, history: aif, at: "2029-03-02T05:00:00Z", cert: "ai-practitioner", state: expired, expires: "2029-03-01"},
		{name: "the passing date is local", tz: ny, history: evs{result("AIF-C01", "2026-03-01T03:00:00Z", 760)},
			at: "2027-01-01T00:00:00Z", cert: "ai-practitioner", state: active, expires: "2029-02-28"},
		{name: "failing earns nothing", history: evs{result("AIF-C01", "2026-03-01T15:00:00Z", 690)},
			at: "2027-01-01T00:00:00Z", cert: "ai-practitioner", state: none},
		{name: "nothing sat", at: "2027-01-01T00:00:00Z", cert: "ai-practitioner", state: none},
		{name: "earned by a sat appointment", at: "2027-01-01T00:00:00Z", cert: "solutions-architect-associate", state: active, expires: "2029-05-10",
			history: evs{booked("a1", "SAA-C03", "2026-05-10T14:00:00Z", "2026-04-01T00:00:00Z"), sat("a1", 720)}},
		{name: "a later failure changes nothing", at: "2029-01-01T00:00:00Z", cert: "ai-practitioner", state: active, expires: "2029-03-01",
			history: evs{aif[0], result("AIF-C01", "2028-06-01T15:00:00Z", 500)}},
		{name: "another line's pass earns another certification", history: evs{result("MLA-C01", "2026-03-01T15:00:00Z", 800)},
			at: "2027-01-01T00:00:00Z", cert: "ai-practitioner", state: none},
		{name: "a retired version still earns", history: evs{result("SOA-C02", "2025-01-10T15:00:00Z", 800)},
			at: "2027-01-01T00:00:00Z", cert: "cloudops-engineer-associate", state: active, expires: "2028-01-10"},
	})
	d := decide(t, ny, aif, "2027-05-01T12:00:00Z", status("ai-practitioner"))
	if tm := d.Term; !tm.Earned || tm.Renewed || tm.BasisExam != "AIF-C01" || tm.BasisDate != day("2026-03-01") || tm.EarnedOn != day("2026-03-01") {
		t.Errorf("term %+v", tm)
	}
	d = decide(t, "", nil, "2027-05-01T12:00:00Z", status("aws-nothing"))
	if !equalCodes(codes(d), codeList(policy.UnknownCertification)) {
		t.Errorf("unknown certification: reasons %v", codes(d))
	}
}

// V2: passing the latest version of an exam on a recertification path while
// active resets expires_on to the sitting date + 3 years.
func TestV2Recertification(t *testing.T) {
	type path struct {
		cert, earnExam, renewExam string
		renews                    bool
	}
	// Earned on 2025-01-10, expires 2028-01-10; the renewing pass is on
	// 2026-05-01 (after AIP-C01 opens, SOA-C03 and SCS-C03 are current).
	paths := []path{
		{"ai-practitioner", "AIF-C01", "AIF-C01", true}, {"ai-practitioner", "AIF-C01", "MLA-C01", true},
		{"ai-practitioner", "AIF-C01", "SAA-C03", false}, {"ai-practitioner", "AIF-C01", "AIP-C01", false},
		{"cloud-practitioner", "CLF-C02", "CLF-C02", true}, {"cloud-practitioner", "CLF-C02", "SAA-C03", true},
		{"cloud-practitioner", "CLF-C02", "DVA-C02", true}, {"cloud-practitioner", "CLF-C02", "SOA-C03", true},
		{"cloud-practitioner", "CLF-C02", "DEA-C01", true}, {"cloud-practitioner", "CLF-C02", "MLA-C01", true},
		{"cloud-practitioner", "CLF-C02", "SAP-C02", true}, {"cloud-practitioner", "CLF-C02", "DOP-C02", true},
		{"cloud-practitioner", "CLF-C02", "AIP-C01", true}, {"cloud-practitioner", "CLF-C02", "AIF-C01", false},
		{"cloud-practitioner", "CLF-C02", "ANS-C01", false}, {"cloud-practitioner", "CLF-C02", "SCS-C03", false},
		{"solutions-architect-associate", "SAA-C03", "SAA-C03", true}, {"solutions-architect-associate", "SAA-C03", "SAP-C02", true},
		{"solutions-architect-associate", "SAA-C03", "DVA-C02", false}, {"solutions-architect-associate", "SAA-C03", "DOP-C02", false},
		{"developer-associate", "DVA-C02", "DVA-C02", true}, {"developer-associate", "DVA-C02", "DOP-C02", true},
		{"developer-associate", "DVA-C02", "SAP-C02", false}, {"developer-associate", "DVA-C02", "SAA-C03", false},
		{"cloudops-engineer-associate", "SOA-C02", "SOA-C03", true}, {"cloudops-engineer-associate", "SOA-C02", "DOP-C02", true},
		{"cloudops-engineer-associate", "SOA-C02", "SAP-C02", false}, {"cloudops-engineer-associate", "SOA-C02", "DVA-C02", false},
		{"data-engineer-associate", "DEA-C01", "DEA-C01", true}, {"data-engineer-associate", "DEA-C01", "SAP-C02", false},
		{"data-engineer-associate", "DEA-C01", "DOP-C02", false}, {"data-engineer-associate", "DEA-C01", "MLA-C01", false},
		{"machine-learning-engineer-associate", "MLA-C01", "MLA-C01", true},
		{"machine-learning-engineer-associate", "MLA-C01", "AIF-C01", false},
		{"machine-learning-engineer-associate", "MLA-C01", "MLS-C01", false},
		{"solutions-architect-professional", "SAP-C02", "SAP-C02", true},
		{"solutions-architect-professional", "SAP-C02", "SAA-C03", false},
		{"devops-engineer-professional", "DOP-C02", "DOP-C02", true},
		{"devops-engineer-professional", "DOP-C02", "DVA-C02", false}, {"devops-engineer-professional", "DOP-C02", "SOA-C03", false},
		{"generative-ai-developer-professional", "AIP-C01", "AIP-C01", true},
		{"generative-ai-developer-professional", "AIP-C01", "AIF-C01", false},
		{"advanced-networking-specialty", "ANS-C01", "ANS-C01", true},
		{"advanced-networking-specialty", "ANS-C01", "SAP-C02", false},
		{"security-specialty", "SCS-C02", "SCS-C03", true}, {"security-specialty", "SCS-C02", "ANS-C01", false},
		{"machine-learning-specialty", "MLS-C01", "MLS-C01", true}, {"machine-learning-specialty", "MLS-C01", "MLA-C01", false},
	}
	var cases []certCase
	for _, p := range paths {
		earn, exp := "2025-01-10T15:00:00Z", "2028-01-10"
		if p.earnExam == "AIP-C01" {
			earn, exp = "2026-04-10T15:00:00Z", "2029-04-10" // offered from 2026-04-01
		}
		renew, renewed := "2026-05-01T15:00:00Z", "2029-05-01"
		if p.renewExam == "MLS-C01" {
			renew, renewed = "2026-03-20T15:00:00Z", "2029-03-20" // retired after 2026-03-31
		}
		want := exp
		if p.renews {
			want = renewed
		}
		cases = append(cases, certCase{name: p.cert + " by " + p.renewExam, cert: p.cert, state: active, expires: want,
			history: evs{result(p.earnExam, earn, 800), result(p.renewExam, renew, 800)}, at: "2026-06-01T00:00:00Z"})
	}
	cases = append(cases, []certCase{
		{name: "reset, not extended", at: "2026-06-01T00:00:00Z", cert: "cloud-practitioner", state: active, expires: "2029-02-01",
			history: evs{result("CLF-C02", "2024-05-01T15:00:00Z", 760), result("SAA-C03", "2026-02-01T15:00:00Z", 730)}},
		{name: "renewed on the expiry day", at: "2028-07-01T00:00:00Z", cert: "ai-practitioner", state: active, expires: "2031-06-10",
			history: evs{result("AIF-C01", "2025-06-10T15:00:00Z", 760), result("MLA-C01", "2028-06-10T15:00:00Z", 800)}},
		{name: "renewal date is local", tz: "America/New_York", at: "2027-02-01T00:00:00Z", cert: "ai-practitioner", state: active, expires: "2030-01-15",
			history: evs{result("AIF-C01", "2025-06-10T15:00:00Z", 760), result("MLA-C01", "2027-01-16T03:00:00Z", 800)}},
		{name: "renewed twice", at: "2030-01-01T00:00:00Z", cert: "cloud-practitioner", state: active, expires: "2031-03-01",
			history: evs{result("CLF-C02", "2024-05-01T15:00:00Z", 760), result("SAA-C03", "2026-02-01T15:00:00Z", 730),
				result("DVA-C02", "2028-03-01T15:00:00Z", 730)}},
		{name: "a failed path exam renews nothing", at: "2026-06-01T00:00:00Z", cert: "ai-practitioner", state: active, expires: "2028-01-10",
			history: evs{result("AIF-C01", "2025-01-10T15:00:00Z", 760), result("MLA-C01", "2026-02-01T15:00:00Z", 719)}},
		// Latest version as of the sitting date (E1, V2).
		{name: "SOA-C02 on its last day is the latest", at: "2026-06-01T00:00:00Z", cert: "cloud-practitioner", state: active, expires: "2028-09-29",
			history: evs{result("CLF-C02", "2025-01-10T15:00:00Z", 760), result("SOA-C02", "2025-09-29T15:00:00Z", 730)}},
		{name: "SOA-C02 after SOA-C03 opened is not", at: "2026-06-01T00:00:00Z", cert: "cloud-practitioner", state: active, expires: "2028-01-10",
			history: evs{result("CLF-C02", "2025-01-10T15:00:00Z", 760), result("SOA-C02", "2025-10-05T15:00:00Z", 730)}},
		{name: "DOP renews cloudops only by its latest version", at: "2026-06-01T00:00:00Z", cert: "cloudops-engineer-associate", state: active, expires: "2029-01-10",
			history: evs{result("SOA-C02", "2023-06-01T15:00:00Z", 760), result("DOP-C02", "2026-01-10T15:00:00Z", 780)}},
		{name: "AIP-C01 before its first test date is no version", at: "2026-06-01T00:00:00Z", cert: "cloud-practitioner", state: active, expires: "2028-01-10",
			history: evs{result("CLF-C02", "2025-01-10T15:00:00Z", 760), result("AIP-C01", "2026-03-15T15:00:00Z", 800)}},
		{name: "SCS-C02 renewing a SCS-C03 holder after retirement is not", at: "2026-06-01T00:00:00Z", cert: "cloud-practitioner", state: active, expires: "2028-01-10",
			history: evs{result("CLF-C02", "2025-01-10T15:00:00Z", 760), result("SCS-C02", "2025-12-05T15:00:00Z", 800)}},
	}...)
	runCertCases(t, cases)

	d := decide(t, "", evs{result("AIF-C01", "2025-06-10T15:00:00Z", 760), result("MLA-C01", "2027-01-15T15:00:00Z", 800)},
		"2027-02-01T00:00:00Z", status("ai-practitioner"))
	if tm := d.Term; !tm.Renewed || tm.BasisExam != "MLA-C01" || tm.BasisDate != day("2027-01-15") || tm.EarnedOn != day("2025-06-10") {
		t.Errorf("renewed term %+v", tm)
	}

	// recertify_options lists the latest offered version of every path.
	for _, c := range []struct {
		name, tz string
		history  []policy.Event
		at, cert string
		want     string
	}{
		{"every cloud practitioner path", "", evs{result("CLF-C02", "2025-01-10T15:00:00Z", 800)}, "2025-06-01T00:00:00Z", "cloud-practitioner",
			"AIP-C01@2026-04-01 CLF-C02@2027-01-10 DEA-C01@2025-06-01 DOP-C02@2025-06-01 DVA-C02@2025-06-01 MLA-C01@2025-06-01 SAA-C03@2025-06-01 SAP-C02@2025-06-01 SOA-C03@2025-09-30"},
		{"ai practitioner", "America/New_York", evs{result("AIF-C01", "2026-03-01T15:00:00Z", 760)}, "2026-06-01T12:00:00Z", "ai-practitioner",
			"AIF-C01@2028-03-01 MLA-C01@2026-06-01"},
		{"too late after a failure", "", evs{result("AIF-C01", "2025-06-10T15:00:00Z", 760), result("MLA-C01", "2028-06-01T15:00:00Z", 600)},
			"2028-06-02T00:00:00Z", "ai-practitioner", "AIF-C01@2028-06-02 MLA-C01@2028-06-15/late"},
		{"the successor version", "", evs{result("SCS-C02", "2024-01-10T15:00:00Z", 800)}, "2025-06-01T00:00:00Z", "security-specialty",
			"SCS-C03@2025-12-02"},
		{"data engineer: DEA only", "", evs{result("DEA-C01", "2025-01-10T15:00:00Z", 800)}, "2025-06-01T00:00:00Z", "data-engineer-associate",
			"DEA-C01@2027-01-10"},
		{"a retired line is left out", "", evs{result("MLS-C01", "2024-06-01T15:00:00Z", 800)}, "2026-04-15T00:00:00Z", "machine-learning-specialty", ""},
		{"a lockout past the last test date is left out", "", evs{result("MLS-C01", "2025-01-01T15:00:00Z", 800)}, "2025-06-01T00:00:00Z",
			"machine-learning-specialty", ""},
		{"the expiry day", "", evs{result("AIF-C01", "2025-06-10T15:00:00Z", 760)}, "2028-06-10T23:00:00Z", "ai-practitioner",
			"AIF-C01@2028-06-10 MLA-C01@2028-06-10"},
	} {
		d := decide(t, c.tz, c.history, c.at, options(c.cert))
		if got := optionsString(d.Options); got != c.want || len(d.Reasons) != 0 || d.State != active {
			t.Errorf("%s: options %q reasons %v state %s, want %q", c.name, got, codes(d), d.State, c.want)
		}
	}
}

// V3: an expired certification cannot be recertified; its own exam earns it
// anew, another path's exam does nothing to it.
func TestV3ExpiredNotRenewable(t *testing.T) {
	aif := result("AIF-C01", "2025-06-10T15:00:00Z", 760)
	runCertCases(t, []certCase{
		{name: "a path exam cannot revive it", history: evs{aif, result("MLA-C01", "2028-06-20T15:00:00Z", 800)},
			at: "2028-07-01T00:00:00Z", cert: "ai-practitioner", state: expired, expires: "2028-06-10"},
		{name: "the day after expiry is too late", history: evs{aif, result("MLA-C01", "2028-06-11T15:00:00Z", 800)},
			at: "2028-07-01T00:00:00Z", cert: "ai-practitioner", state: expired, expires: "2028-06-10"},
		{name: "the day after expiry in the candidate's zone", tz: "Asia/Kolkata",
			history: evs{result("AIF-C01", "2025-06-10T10:00:00Z", 760), result("MLA-C01", "2028-06-10T18:45:00Z", 800)},
			at:      "2028-07-01T00:00:00Z", cert: "ai-practitioner", state: expired, expires: "2028-06-10"},
		{name: "its own exam earns it anew", history: evs{aif, result("AIF-C01", "2028-06-20T15:00:00Z", 710)},
			at: "2028-07-01T00:00:00Z", cert: "ai-practitioner", state: active, expires: "2031-06-20"},
		{name: "then paths renew it again", at: "2030-01-01T00:00:00Z", cert: "ai-practitioner", state: active, expires: "2032-12-01",
			history: evs{aif, result("MLA-C01", "2028-06-20T15:00:00Z", 800), result("AIF-C01", "2028-07-20T15:00:00Z", 710),
				result("MLA-C01", "2029-12-01T15:00:00Z", 800)}},
		{name: "the path exam earns its own certification", history: evs{aif, result("MLA-C01", "2028-06-20T15:00:00Z", 800)},
			at: "2028-07-01T00:00:00Z", cert: "machine-learning-engineer-associate", state: active, expires: "2031-06-20"},
	})
	d := decide(t, "", evs{aif, result("AIF-C01", "2028-06-20T15:00:00Z", 710)}, "2028-07-01T00:00:00Z", status("ai-practitioner"))
	if !d.Term.Lapsed || d.Term.EarnedOn != day("2028-06-20") || d.Term.Renewed {
		t.Errorf("earned anew: term %+v", d.Term)
	}
	for _, c := range []struct {
		name    string
		history []policy.Event
		at      string
		state   policy.CertState
		expires string
	}{
		{"expired", evs{aif}, "2028-06-11T00:00:00Z", expired, "2028-06-10"},
		{"never earned", nil, "2028-06-11T00:00:00Z", none, "none"},
		{"only failed", evs{result("AIF-C01", "2025-06-10T15:00:00Z", 600)}, "2026-01-01T00:00:00Z", none, "none"},
	} {
		d := decide(t, "", c.history, c.at, options("ai-practitioner"))
		if !equalCodes(codes(d), codeList(policy.NotActive)) || d.Options == nil || len(d.Options) != 0 ||
			d.State != c.state || d.ExpiresOn != day(c.expires) {
			t.Errorf("%s: reasons %v options %v state %s expires %s", c.name, codes(d), d.Options, d.State, d.ExpiresOn)
		}
	}
}
