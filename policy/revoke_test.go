package policy_test

import (
	"testing"

	"github.com/recert/recert/policy"
)

// TestRevocation: a revoked certification is neither active nor
// renewable until its own exam is passed again; a revocation of something
// not held changes nothing.
func TestRevocation(t *testing.T) {
	pass := policy.Event{Kind: policy.Result, Exam: "AIF-C01", Slot: ts("2026-03-01T15:00:00Z"), Score: 760}
	revoke := policy.Event{Kind: policy.Revoked, Certified: "ai-practitioner", At: ts("2026-06-01T12:00:00Z")}
	again := policy.Event{Kind: policy.Result, Exam: "AIF-C01", Slot: ts("2028-04-01T15:00:00Z"), Score: 720}
	status := policy.Ask{Action: policy.Status, Certification: "ai-practitioner"}
	cases := []struct {
		name    string
		events  []policy.Event
		at      string
		state   policy.CertState
		expires string
	}{
		{"revoked after it", []policy.Event{pass, revoke}, "2026-07-01T00:00:00Z", policy.StateRevoked, "none"},
		{"earned anew by its own exam", []policy.Event{pass, revoke, again}, "2028-05-01T00:00:00Z", policy.StateActive, "2031-04-01"},
		{"a revocation of nothing held does nothing", []policy.Event{revoke, again}, "2028-05-01T00:00:00Z", policy.StateActive, "2031-04-01"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := decide(t, "UTC", c.events, c.at, status)
			if d.State != c.state || d.ExpiresOn.String() != c.expires {
				t.Errorf("state %s expires %s; want %s %s", d.State, d.ExpiresOn, c.state, c.expires)
			}
		})
	}
	d := decide(t, "UTC", []policy.Event{pass, revoke}, "2026-07-01T00:00:00Z", policy.Ask{Action: policy.RecertifyOptions, Certification: "ai-practitioner"})
	if !d.Has(policy.NotActive) || len(d.Options) != 0 {
		t.Errorf("recertify_options of a revoked certification: %+v; want not_active and no options", d.Reasons)
	}
	if got := aws().Explain(&d); len(got) == 0 || got[0] != "ai-practitioner was revoked; only passing its own exam earns it anew (V3)." {
		t.Errorf("explanation %q", got)
	}
	p := aws()
	h, err := p.NewHistory(zone(t, "UTC"), []policy.Event{pass, revoke})
	if err != nil {
		t.Fatal(err)
	}
	r := p.Report(h, ts("2026-07-01T00:00:00Z"))
	if len(r.Certifications) != 1 || r.Certifications[0].State != policy.StateRevoked {
		t.Errorf("report %+v: the revoked certification is listed as revoked", r.Certifications)
	}
	if _, err := p.NewHistory(zone(t, "UTC"), []policy.Event{{Kind: policy.Revoked, Certified: "nope", At: ts("2026-06-01T12:00:00Z")}}); err == nil {
		t.Error("revoking an unknown certification must be refused")
	}
}

// TestR8RecordingANoShow: a no-show can be recorded for an open
// appointment once its slot has begun, and says when booking opens again.
func TestR8RecordingANoShow(t *testing.T) {
	booked := policy.Event{Kind: policy.Booked, Appointment: "a1", Exam: "AIF-C01", Slot: ts("2026-05-10T14:00:00Z"), At: ts("2026-04-01T00:00:00Z")}
	ask := policy.Ask{Action: policy.MarkNoShow, Appointment: "a1"}
	cases := []struct {
		name    string
		events  []policy.Event
		at      string
		reasons []policy.Code
		retry   string
	}{
		{"before the slot", []policy.Event{booked}, "2026-05-10T13:59:59Z", []policy.Code{policy.SlotNotStarted}, ""},
		{"at the slot", []policy.Event{booked}, "2026-05-10T14:00:00Z", nil, "2026-05-11T14:00:00Z"},
		{"already sat", []policy.Event{booked, {Kind: policy.Sat, Appointment: "a1", Score: 700}}, "2026-05-11T00:00:00Z", []policy.Code{policy.AppointmentClosed}, ""},
		{"unknown", nil, "2026-05-11T00:00:00Z", []policy.Code{policy.UnknownAppointment}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := decide(t, "UTC", c.events, c.at, ask)
			var got []policy.Code
			for _, r := range d.Reasons {
				got = append(got, r.Code)
			}
			if len(got) != len(c.reasons) || (len(got) > 0 && got[0] != c.reasons[0]) || d.Allowed != (len(c.reasons) == 0) {
				t.Fatalf("reasons %v allowed %v; want %v", got, d.Allowed, c.reasons)
			}
			if c.retry != "" && !d.RetryAt.Equal(ts(c.retry)) {
				t.Errorf("retry_at %s, want %s (R8)", d.RetryAt, c.retry)
			}
		})
	}
}
