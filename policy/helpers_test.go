package policy_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/recert/recert/definition"
	"github.com/recert/recert/policy"
)

// aws is the built-in reference program. Tests share it and never change it.
func aws() *policy.Program { return definition.AWS() }

// zone loads an IANA zone or stops the test.
func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("zone %s: %v", name, err)
	}
	return loc
}

// ts parses an RFC 3339 instant or panics: test tables are literals.
func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// day parses YYYY-MM-DD; "" and "none" are policy.NoDate.
func day(s string) policy.Date {
	if s == "" || s == "none" {
		return policy.NoDate
	}
	d, err := policy.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Event builders, in the words of decide.md.
func booked(appt, exam, slot, at string) policy.Event {
	return policy.Event{Kind: policy.Booked, Appointment: appt, Exam: exam, Slot: ts(slot), At: ts(at)}
}

func bookedVoucher(appt, exam, slot, at string) policy.Event {
	ev := booked(appt, exam, slot, at)
	ev.Voucher = true
	return ev
}

func rescheduled(appt, slot, at string) policy.Event {
	return policy.Event{Kind: policy.Rescheduled, Appointment: appt, Slot: ts(slot), At: ts(at)}
}

func cancelled(appt, at string) policy.Event {
	return policy.Event{Kind: policy.Cancelled, Appointment: appt, At: ts(at)}
}

func sat(appt string, score int) policy.Event {
	return policy.Event{Kind: policy.Sat, Appointment: appt, Score: score}
}

func noShow(appt string) policy.Event {
	return policy.Event{Kind: policy.NoShow, Appointment: appt}
}

func result(exam, on string, score int) policy.Event {
	return policy.Event{Kind: policy.Result, Exam: exam, Slot: ts(on), Score: score}
}

// Asks.
func book(exam, slot string) policy.Ask {
	return policy.Ask{Action: policy.Book, Exam: exam, Slot: ts(slot)}
}

func reschedule(appt, slot string) policy.Ask {
	return policy.Ask{Action: policy.Reschedule, Appointment: appt, Slot: ts(slot)}
}

func cancel(appt string) policy.Ask { return policy.Ask{Action: policy.Cancel, Appointment: appt} }

func status(cert string) policy.Ask { return policy.Ask{Action: policy.Status, Certification: cert} }

func options(cert string) policy.Ask {
	return policy.Ask{Action: policy.RecertifyOptions, Certification: cert}
}

// decide loads the history in the zone (UTC when "") and answers the ask.
func decide(t testing.TB, tz string, events []policy.Event, at string, ask policy.Ask) policy.Decision {
	t.Helper()
	if tz == "" {
		tz = "UTC"
	}
	p := aws()
	h, err := p.NewHistory(zone(t, tz), events)
	if err != nil {
		t.Fatalf("NewHistory: %v", err)
	}
	return p.Decide(h, ts(at), ask)
}

// codes lists a decision's reason codes in order.
func codes(d policy.Decision) []policy.Code {
	out := []policy.Code{}
	for _, r := range d.Reasons {
		out = append(out, r.Code)
	}
	return out
}

// slotCase is one row of a book, reschedule or cancel table. earliest is
// "" when the answer must have no earliest_date, "none" when it must be
// null, else the date; retry is "" when there must be no retry_at.
type slotCase struct {
	name     string
	tz       string
	history  []policy.Event
	at       string
	ask      policy.Ask
	reasons  []policy.Code // nil or empty: allowed
	earliest string
	retry    string
}

func runSlotCases(t *testing.T, cases []slotCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := decide(t, c.tz, c.history, c.at, c.ask)
			checkSlot(t, d, c.reasons, c.earliest, c.retry)
		})
	}
}

func checkSlot(t *testing.T, d policy.Decision, reasons []policy.Code, earliest, retry string) {
	t.Helper()
	if reasons == nil {
		reasons = []policy.Code{}
	}
	if got := codes(d); !reflect.DeepEqual(got, reasons) {
		t.Errorf("reasons %v, want %v", got, reasons)
	}
	if d.Allowed != (len(reasons) == 0) {
		t.Errorf("allowed %v with reasons %v", d.Allowed, codes(d))
	}
	switch {
	case earliest == "" && d.HasEarliest:
		t.Errorf("earliest_date %s, want none given", d.Earliest)
	case earliest != "" && !d.HasEarliest:
		t.Errorf("no earliest_date, want %s", earliest)
	case earliest != "" && d.Earliest != day(earliest):
		t.Errorf("earliest_date %s, want %s", d.Earliest, day(earliest))
	}
	switch {
	case retry == "" && !d.RetryAt.IsZero():
		t.Errorf("retry_at %s, want none", d.RetryAt.Format(time.RFC3339))
	case retry != "" && !d.RetryAt.Equal(ts(retry)):
		t.Errorf("retry_at %s, want %s", d.RetryAt.Format(time.RFC3339), retry)
	case retry != "" && d.RetryAt.Location() != time.UTC:
		t.Errorf("retry_at is in %s, want UTC", d.RetryAt.Location())
	}
}

// certCase is one row of a status table.
type certCase struct {
	name    string
	tz      string
	history []policy.Event
	at      string
	cert    string
	state   policy.CertState
	expires string // "" or "none": null
}

func runCertCases(t *testing.T, cases []certCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := decide(t, c.tz, c.history, c.at, status(c.cert))
			checkCert(t, d, c.state, c.expires)
		})
	}
}

func checkCert(t *testing.T, d policy.Decision, state policy.CertState, expires string) {
	t.Helper()
	if len(d.Reasons) != 0 {
		t.Errorf("reasons %v, want none", codes(d))
	}
	if d.State != state {
		t.Errorf("state %s, want %s", d.State, state)
	}
	if d.ExpiresOn != day(expires) {
		t.Errorf("expires_on %s, want %s", d.ExpiresOn, day(expires))
	}
}

// optionsString writes recertify options as "EXAM@DATE/in_time ..." so
// that a table states them compactly.
func optionsString(os []policy.Option) string {
	parts := make([]string, len(os))
	for i, o := range os {
		s := o.Exam + "@" + o.Earliest.String()
		if !o.InTime {
			s += "/late"
		}
		parts[i] = s
	}
	return strings.Join(parts, " ")
}

// codeList builds a reason list from codes, for table brevity.
func codeList(cs ...policy.Code) []policy.Code { return cs }

type evs = []policy.Event
