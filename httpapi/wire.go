package httpapi

import (
	"encoding/json"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// The wire types are the API's JSON, declared apart from ledger's and
// app's records so that a field added to a record is not published by
// accident (a token's hash never is) and names stay snake_case. Each has
// a schema of the same name in openapi.json.

type candidateJSON struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	TimeZone  string    `json:"time_zone"`
	Program   string    `json:"program"`
	CreatedAt time.Time `json:"created_at"`
	Rev       int64     `json:"rev"`
}

func candidateOut(c ledger.Candidate) candidateJSON {
	return candidateJSON{c.ID, c.Name, c.Email, c.TimeZone, c.Program, c.CreatedAt.UTC(), c.Rev}
}

type centerJSON struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	TimeZone  string    `json:"time_zone"`
	Online    bool      `json:"online"`
	Seats     int       `json:"seats"`
	CreatedAt time.Time `json:"created_at"`
	Rev       int64     `json:"rev"`
}

func centerOut(c ledger.Center) centerJSON {
	return centerJSON{c.ID, c.Name, c.TimeZone, c.Online, c.Seats, c.CreatedAt.UTC(), c.Rev}
}

type appointmentJSON struct {
	ID          string    `json:"id"`
	Candidate   string    `json:"candidate"`
	Exam        string    `json:"exam"`
	Center      string    `json:"center"`
	Slot        time.Time `json:"slot"`
	State       string    `json:"state"`
	BookedAt    time.Time `json:"booked_at"`
	Reschedules int       `json:"reschedules"`
	Voucher     *string   `json:"voucher"`
	FeeMinor    int64     `json:"fee_minor"`
	Currency    string    `json:"currency"`
	Rev         int64     `json:"rev"`
}

func appointmentOut(a ledger.Appointment) appointmentJSON {
	return appointmentJSON{a.ID, a.Candidate, a.Exam, a.Center, a.Slot.UTC(), a.State, a.BookedAt.UTC(), a.Reschedules,
		orNull(a.Voucher), a.FeeMinor, a.Currency, a.Rev}
}

type domainJSON struct {
	Domain string `json:"domain"`
	Meets  bool   `json:"meets"`
}

type resultJSON struct {
	ID          string       `json:"id"`
	Candidate   string       `json:"candidate"`
	Appointment *string      `json:"appointment"`
	Exam        string       `json:"exam"`
	SatAt       time.Time    `json:"sat_at"`
	RecordedAt  time.Time    `json:"recorded_at"`
	Scaled      int          `json:"scaled_score"`
	Passed      bool         `json:"passed"`
	Form        *string      `json:"form"`
	Raw         *int         `json:"raw_score"`
	Domains     []domainJSON `json:"domains"`
	// WeakDomains are the domains that need improvement: what the score
	// report points a candidate to, above all one who failed (E4).
	WeakDomains []string `json:"weak_domains"`
}

func resultOut(r ledger.Result) resultJSON {
	out := resultJSON{r.ID, r.Candidate, orNull(r.Appointment), r.Exam, r.SatAt.UTC(), r.RecordedAt.UTC(), r.Scaled, r.Passed,
		orNull(r.Form), r.Raw, []domainJSON{}, []string{}}
	// A report that does not decode is listed without its domains: the
	// result itself is still a fact to show.
	if ds, err := app.ResultDomains(r); err == nil {
		for _, d := range ds {
			out.Domains = append(out.Domains, domainJSON{d.Domain, d.Meets})
			if !d.Meets {
				out.WeakDomains = append(out.WeakDomains, d.Domain)
			}
		}
	}
	return out
}

type voucherJSON struct {
	ID          string  `json:"id"`
	FromExam    string  `json:"from_exam"`
	IssuedOn    string  `json:"issued_on"`
	ExpiresOn   *string `json:"expires_on"`
	Discount    int     `json:"discount_percent"`
	State       string  `json:"state"`
	Appointment *string `json:"appointment"`
}

func voucherOut(v ledger.Voucher) voucherJSON {
	return voucherJSON{v.ID, v.FromExam, v.IssuedOn, orNull(v.ExpiresOn), v.Discount, v.State, orNull(v.Appointment)}
}

type feeJSON struct {
	Seq         int64     `json:"seq"`
	Appointment *string   `json:"appointment"`
	Kind        string    `json:"kind"`
	AmountMinor int64     `json:"amount_minor"`
	Currency    string    `json:"currency"`
	At          time.Time `json:"at"`
}

func feeOut(f ledger.Fee) feeJSON {
	return feeJSON{f.Seq, orNull(f.Appointment), f.Kind, f.AmountMinor, f.Currency, f.At.UTC()}
}

type eventJSON struct {
	Seq        int64           `json:"seq"`
	Type       string          `json:"type"`
	Data       json.RawMessage `json:"data"`
	RecordedAt time.Time       `json:"recorded_at"`
	Program    string          `json:"program"`
	Decision   json.RawMessage `json:"decision"`
}

func eventOut(e ledger.Event) eventJSON {
	out := eventJSON{e.Seq, e.Type, e.Data, e.RecordedAt.UTC(), e.Program, e.Decision}
	if len(out.Data) == 0 {
		out.Data = json.RawMessage(`{}`)
	}
	if len(out.Decision) == 0 {
		out.Decision = json.RawMessage(`null`)
	}
	return out
}

type certificationJSON struct {
	Certification string      `json:"certification"`
	State         string      `json:"state"`
	EarnedOn      string      `json:"earned_on"`
	ExpiresOn     *string     `json:"expires_on"`
	BasisExam     string      `json:"basis_exam"`
	BasisDate     string      `json:"basis_date"`
	Renewed       bool        `json:"renewed"`
	Revoked       bool        `json:"revoked"`
	History       []eventJSON `json:"history"`
}

type standingJSON struct {
	Candidate      string              `json:"candidate"`
	Program        string              `json:"program"`
	Date           string              `json:"date"`
	Certifications []certificationJSON `json:"certifications"`
	Vouchers       []voucherJSON       `json:"vouchers"`
	Results        []resultJSON        `json:"results"`
	Fees           []feeJSON           `json:"fees"`
}

func standingOut(st app.Standing) standingJSON {
	out := standingJSON{Candidate: st.Candidate, Program: st.Program, Date: st.Date, Certifications: []certificationJSON{},
		Vouchers: mapAll(st.Vouchers, voucherOut), Results: mapAll(st.Results, resultOut), Fees: mapAll(st.Fees, feeOut)}
	for _, c := range st.Certifications {
		out.Certifications = append(out.Certifications, certificationOut(c))
	}
	return out
}

type programJSON struct {
	ID             string `json:"id"`
	Version        string `json:"version"`
	Name           string `json:"name"`
	Active         bool   `json:"active"`
	Exams          int    `json:"exams"`
	Certifications int    `json:"certifications"`
}

func programOut(p app.ProgramInfo) programJSON {
	return programJSON{p.ID, p.Version, p.Name, p.Active, p.Exams, p.Certs}
}

// tokenJSON is a created token. The secret is in the creating response
// only; the hash is never sent.
type tokenJSON struct {
	ID        string     `json:"id"`
	Role      string     `json:"role"`
	Subject   *string    `json:"subject"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at"`
	Secret    string     `json:"secret"`
}

func tokenOut(t app.TokenCreated) tokenJSON {
	return tokenJSON{t.ID, t.Role, orNull(t.Subject), t.Name, t.CreatedAt.UTC(), expiresOut(t.ExpiresAt), t.Secret}
}

// orNull sends an absent string as null rather than "".
func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// date sends policy.NoDate as null.
func date(d policy.Date) *string {
	if d == policy.NoDate {
		return nil
	}
	s := d.String()
	return &s
}

// mapAll converts a slice, giving [] rather than null for none.
func mapAll[S, T any](in []S, f func(S) T) []T {
	out := make([]T, 0, len(in))
	for _, v := range in {
		out = append(out, f(v))
	}
	return out
}

// as adapts a converter to the untyped values app.Idempotent renders.
func as[S, T any](f func(S) T) func(any) any {
	return func(v any) any { return f(v.(S)) }
}
