package definition

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/recert/recert/policy"
	"github.com/recert/recert/programs"
)

func date(t *testing.T, s string) policy.Date {
	t.Helper()
	if s == "" {
		return policy.NoDate
	}
	d, err := policy.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestAWS proves the embedded reference program parses, compiles and says
// what shared/spec/reference-program.md says, exam by exam.
func TestAWS(t *testing.T) {
	p := AWS()
	if p.ID != "aws" || p.Version == "" {
		t.Fatalf("id %q version %q", p.ID, p.Version)
	}
	// The catalog table (as of 2026-11), row by row.
	catalog := []struct {
		code, line, level       string
		minutes, scored, unscor int
		usd                     int64
		pass                    int
		first, last             string
	}{
		{"CLF-C02", "CLF", "foundational", 90, 50, 15, 100, 700, "", ""},
		{"AIF-C01", "AIF", "foundational", 90, 50, 15, 100, 700, "", ""},
		{"SAA-C03", "SAA", "associate", 130, 50, 15, 150, 720, "", ""},
		{"DVA-C02", "DVA", "associate", 130, 50, 15, 150, 720, "", ""},
		{"SOA-C02", "SOA", "associate", 130, 50, 15, 150, 720, "", "2025-09-29"},
		{"SOA-C03", "SOA", "associate", 130, 50, 15, 150, 720, "2025-09-30", ""},
		{"DEA-C01", "DEA", "associate", 130, 50, 15, 150, 720, "", ""},
		{"MLA-C01", "MLA", "associate", 130, 50, 15, 150, 720, "", ""},
		{"SAP-C02", "SAP", "professional", 180, 65, 10, 300, 750, "", ""},
		{"DOP-C02", "DOP", "professional", 180, 65, 10, 300, 750, "", ""},
		{"AIP-C01", "AIP", "professional", 180, 65, 10, 300, 750, "2026-04-01", ""},
		{"ANS-C01", "ANS", "specialty", 170, 50, 15, 300, 750, "", ""},
		{"SCS-C02", "SCS", "specialty", 170, 50, 15, 300, 750, "", "2025-12-01"},
		{"SCS-C03", "SCS", "specialty", 170, 50, 15, 300, 750, "2025-12-02", ""},
		{"MLS-C01", "MLS", "specialty", 180, 50, 15, 300, 750, "", "2026-03-31"},
	}
	if len(p.Exams) != len(catalog) {
		t.Errorf("%d exams, want %d", len(p.Exams), len(catalog))
	}
	for _, c := range catalog {
		t.Run(c.code, func(t *testing.T) {
			e, ok := p.Exam(c.code)
			if !ok {
				t.Fatalf("exam %s missing", c.code)
			}
			first := policy.OpenStart
			if c.first != "" {
				first = date(t, c.first)
			}
			if e.Line != c.line || e.Level != c.level || e.Kind != policy.KindExam {
				t.Errorf("line %s level %s kind %s", e.Line, e.Level, e.Kind)
			}
			if e.DurationMinutes != c.minutes || e.ScoredQuestions != c.scored || e.UnscoredQuestions != c.unscor {
				t.Errorf("minutes %d questions %d+%d", e.DurationMinutes, e.ScoredQuestions, e.UnscoredQuestions)
			}
			if e.Price != (policy.Money{Minor: c.usd * 100, Currency: "USD"}) {
				t.Errorf("price %+v", e.Price)
			}
			if e.ScoreMin != 100 || e.ScoreMax != 1000 || e.PassingScore != c.pass { // E3
				t.Errorf("score %d-%d pass %d", e.ScoreMin, e.ScoreMax, e.PassingScore)
			}
			if e.FirstDate != first || e.LastDate != date(t, c.last) { // E2
				t.Errorf("dates %v..%v", e.FirstDate, e.LastDate)
			}
			if !reflect.DeepEqual(e.Delivery, []string{"test_center", "online"}) {
				t.Errorf("delivery %v", e.Delivery)
			}
			if e.Retake != nil {
				t.Errorf("unexpected per-exam retake policy")
			}
			if cert, ok := p.CertificationFor(e.Line); !ok || cert.Line != e.Line {
				t.Errorf("line %s earns no certification", e.Line)
			}
		})
	}

	// E4: AIF-C01's domains; E5: its illustrative form maps the passing raw score to 700.
	aif, _ := p.Exam("AIF-C01")
	wantDomains := []policy.Domain{
		{Name: "Fundamentals of AI and ML", Weight: 20},
		{Name: "Fundamentals of Generative AI", Weight: 24},
		{Name: "Applications of Foundation Models", Weight: 28},
		{Name: "Guidelines for Responsible AI", Weight: 14},
		{Name: "Security, Compliance, and Governance for AI Solutions", Weight: 14},
	}
	if !reflect.DeepEqual(aif.Domains, wantDomains) {
		t.Errorf("AIF-C01 domains %+v", aif.Domains)
	}
	if len(aif.Forms) != 1 || len(aif.Forms[0].Points) < 2 {
		t.Fatalf("AIF-C01 forms %+v", aif.Forms)
	}
	pts := aif.Forms[0].Points
	if pts[0] != (policy.ScorePoint{Raw: 0, Scaled: 100}) || pts[len(pts)-1] != (policy.ScorePoint{Raw: 50, Scaled: 1000}) {
		t.Errorf("AIF-C01 table does not span raw 0-50 onto 100-1000: %+v", pts)
	}
	hits700 := false
	for _, pt := range pts {
		hits700 = hits700 || pt.Scaled == 700
	}
	if !hits700 {
		t.Errorf("no raw score maps to the passing 700: %+v", pts)
	}

	// V1, V2, V4: every certification of decide.md, with its renewal paths.
	paths := map[string][]string{
		"cloud-practitioner":                   {"CLF", "SAA", "DVA", "SOA", "DEA", "MLA", "SAP", "DOP", "AIP"},
		"ai-practitioner":                      {"AIF", "MLA"},
		"solutions-architect-associate":        {"SAA", "SAP"},
		"developer-associate":                  {"DVA", "DOP"},
		"cloudops-engineer-associate":          {"SOA", "DOP"},
		"data-engineer-associate":              {"DEA"},
		"machine-learning-engineer-associate":  {"MLA"},
		"solutions-architect-professional":     {"SAP"},
		"devops-engineer-professional":         {"DOP"},
		"generative-ai-developer-professional": {"AIP"},
		"advanced-networking-specialty":        {"ANS"},
		"security-specialty":                   {"SCS"},
		"machine-learning-specialty":           {"MLS"},
	}
	if len(p.Certifications) != len(paths) {
		t.Errorf("%d certifications, want %d", len(p.Certifications), len(paths))
	}
	for id, lines := range paths {
		c, ok := p.Certification(id)
		if !ok {
			t.Errorf("certification %s missing", id)
			continue
		}
		var got []string
		for _, path := range c.Paths {
			got = append(got, path.Line)
			if !path.LatestOnly {
				t.Errorf("%s: path %s is not latest_only", id, path.Line)
			}
		}
		if !reflect.DeepEqual(got, lines) {
			t.Errorf("%s: paths %v, want %v", id, got, lines)
		}
		if c.Validity != (policy.Span{Years: 3}) || c.Anchor != policy.AnchorReset {
			t.Errorf("%s: validity %v anchor %s", id, c.Validity, c.Anchor)
		}
		if !reflect.DeepEqual(c.Reminders, []int{180, 90, 30, 7, 0}) {
			t.Errorf("%s: reminders %v", id, c.Reminders)
		}
		if c.PrepareFrom != (policy.Span{Months: 6}) || c.PrepareBy != (policy.Span{Months: 3}) {
			t.Errorf("%s: prepare %v..%v", id, c.PrepareFrom, c.PrepareBy)
		}
		if !c.Window.IsZero() || !c.Grace.IsZero() {
			t.Errorf("%s: window %v grace %v", id, c.Window, c.Grace)
		}
	}

	wantRetake := policy.RetakePolicy{
		FailureWaits: []policy.Span{{Days: 14}},                                             // R1
		MaxAttempts:  0,                                                                     // R2
		Lockout:      policy.Lockout{Kind: policy.LockoutSpan, Span: policy.Span{Years: 2}}, // R3
	}
	if !reflect.DeepEqual(p.Retake, wantRetake) {
		t.Errorf("retake %+v", p.Retake)
	}
	wantAppt := policy.AppointmentPolicy{
		ChangeWindow:   policy.Span{Minutes: 24 * 60}, // R7
		MaxReschedules: 2,                             // R9
		NoShowWait:     policy.Span{Minutes: 24 * 60}, // R8
		OnePerExam:     true,                          // R5
		Fees: policy.FeeRules{TimelyCancel: policy.Refund, NoShow: policy.Forfeit,
			MedicalException: policy.Refund, RescheduleFee: policy.Money{Currency: "USD"}},
		BookingHorizon: policy.Span{Days: 365},   // R10
		SlotGrid:       policy.Span{Minutes: 15}, // R11
	}
	if !reflect.DeepEqual(p.Appointments, wantAppt) {
		t.Errorf("appointments %+v", p.Appointments)
	}
	wantVoucher := policy.VoucherPolicy{IssuedOnPass: true, DiscountPercent: 50, SingleUse: true, ReturnedOnTimelyCancel: true} // V5
	if p.Vouchers != wantVoucher {
		t.Errorf("vouchers %+v", p.Vouchers)
	}
	wantRules := map[string]string{
		"exam_unavailable": "E2", "slot_not_future": "R4", "retake_wait": "R1", "passed_lockout": "R3",
		"no_show_wait": "R8", "already_booked": "R5", "appointment_closed": "R6",
		"change_window_closed": "R7", "reschedule_limit": "R9", "not_active": "V3", "validity": "V1",
		"renewal": "V2", "expired_not_renewable": "V3", "scoring": "E3", "unlimited_attempts": "R2",
		"voucher": "V5", "reminders": "V4", "time_zone": "T2", "leap_day": "T3", "exact_hours": "T4",
		"invalid_score": "E3", "fee": "R2", "timely_cancel": "R7", "reschedule_fee": "R7", "no_show": "R8",
		"medical_exception": "R8", "no_voucher": "V5", "not_missed": "R8", "no_medical_refund": "R8",
		// The ids recert adds (README: "Rule ids recert adds").
		"beyond_horizon": "R10", "off_grid": "R11", "delivery_unavailable": "R12", "already_refunded": "R13",
		"slot_not_started": "R14", "sitting_in_future": "R14", "duplicate_sitting": "R15", "revoked": "R16", "not_held": "R16",
		"notice_time": "N1", "not_due": "N1", "retake_available": "N2", "change_deadline": "N3", "sitting": "N3",
		"voucher_expiring": "N4", "superseded": "N5", "lapsed": "N5", "obsolete": "N5",
	}
	if !reflect.DeepEqual(p.Rules, wantRules) {
		t.Errorf("rules %v", p.Rules)
	}
	if !reflect.DeepEqual(p.Notifications, policy.DefaultNotifications()) {
		t.Errorf("notifications %+v, want the defaults the section states", p.Notifications)
	}
	if AWS() != p {
		t.Error("AWS() parses more than once")
	}
}

// TestLoadFile reads the reference program from disk, and a missing file.
func TestLoadFile(t *testing.T) {
	p, err := LoadFile(filepath.Join("..", "programs", "aws.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Exams) != len(AWS().Exams) {
		t.Errorf("LoadFile and AWS() disagree")
	}
	if _, err := LoadFile(filepath.Join("testdata", "no-such-file.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if !strings.Contains(string(programs.AWS), "id: aws") {
		t.Error("programs.AWS is not aws.yaml")
	}
}

// TestSchema checks that the schema compiles and refuses unknown fields in
// every object it describes.
func TestSchema(t *testing.T) {
	if _, err := loadSchema(); err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(Schema(), &doc); err != nil {
		t.Fatal(err)
	}
	if s := doc.(map[string]any)["$schema"]; s != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema %v", s)
	}
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch v := v.(type) {
		case map[string]any:
			// An "if" is a condition, not a description of the object.
			if _, ok := v["properties"]; ok && !strings.HasSuffix(at, "/if") && v["additionalProperties"] != false {
				t.Errorf("%s: object without additionalProperties: false", at)
			}
			for k, c := range v {
				walk(c, at+"/"+k)
			}
		case []any:
			for _, c := range v {
				walk(c, at+"/[]")
			}
		}
	}
	walk(doc, "#")
}
