package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// ResultInput records how a sitting went: for an appointment, or, without
// one, an exam sat on a date (imported history). The score is scaled, or
// raw with the form it was taken on (E5).
type ResultInput struct {
	Candidate   string // required without an appointment
	Appointment string
	Exam        string    // required without an appointment
	On          time.Time // the sitting, required without an appointment
	Scaled      *int
	Raw         *int
	Form        string
	Domains     []policy.DomainResult
}

// RecordResult stores a sitting's result. Results may arrive days after
// the sitting; the certification dates come from the sitting (the
// appointment's slot or On), never from when the result was posted (V1).
// A pass issues a voucher (V5) and earns or renews certifications (V1,
// V2); those consequences are appended as events too.
func (a *App) RecordResult(ctx context.Context, pr Principal, in ResultInput) (ledger.Result, error) {
	if pr.Role == RoleCandidate {
		return ledger.Result{}, forbidden("record results")
	}
	if in.Appointment == "" && pr.Role == RoleCenter {
		return ledger.Result{}, forbidden("record a result without an appointment at this center")
	}
	if (in.Scaled == nil) == (in.Raw == nil) {
		return ledger.Result{}, invalid("scaled_score", "give either scaled_score, or raw_score with form")
	}
	o := op{candidate: in.Candidate, appointment: in.Appointment}
	if in.Appointment != "" {
		o.candidate = ""
	} else if in.Candidate == "" || in.Exam == "" || in.On.IsZero() {
		return ledger.Result{}, invalid("appointment", "a result without an appointment needs candidate, exam and on")
	}
	o.decide = func(w *locked) (any, error) {
		s, now := w.s, w.now
		exam, on := in.Exam, in.On
		if in.Appointment != "" {
			// The appointment as the locked stream says it is: of two
			// results posted at once, the second sees the first's sitting.
			exam, on = w.ap.Exam, w.ap.Slot
		}
		e, ok := s.prog.Exam(exam)
		if !ok {
			return nil, invalid("exam", "program %s has no exam %q", s.prog.ID, exam)
		}
		scaled, err := scaledScore(e, in)
		if err != nil {
			return nil, err
		}
		if _, err := e.Report(scaled, in.Domains); err != nil {
			return nil, invalid("domains", "%v", err)
		}
		// The engine refuses what cannot have happened: a result for an
		// appointment cancelled, missed, already sat or not yet begun (R6,
		// R14), a sitting after this moment (R14), the same sitting twice
		// (R15), a score off the scale (E3).
		ask := policy.Ask{Action: policy.RecordResult, Appointment: in.Appointment, Score: scaled}
		if in.Appointment == "" {
			ask.Exam, ask.Slot = e.Code, on
		}
		dec := s.prog.Decide(s.hist, now, ask)
		if !dec.Allowed {
			return nil, refusal(s.prog, &dec, "recording a result of "+e.Code)
		}
		before := s.prog.Report(s.hist, now)
		d := EventData{Appointment: in.Appointment, Scaled: scaled, Raw: in.Raw, Form: in.Form, Domains: in.Domains}
		typ := EvSat
		if in.Appointment == "" {
			typ, d.Exam = EvResult, e.Code
			o := on.UTC()
			d.On = &o
		}
		if err := w.emit(typ, d, &dec); err != nil {
			return nil, err
		}
		id := resultID(s.cand.ID, s.version)
		if _, err := w.history(); err != nil { // the consequences are read off the history with the result
			return nil, err
		}
		for _, ev := range consequences(s, before, now) {
			if err := w.emit(ev.typ, ev.data, nil); err != nil {
				return nil, err
			}
		}
		v, err := w.view()
		for _, r := range v.Results {
			if r.ID == id {
				return r, err
			}
		}
		return ledger.Result{}, err
	}
	v, err := a.write(ctx, pr, o)
	out, _ := v.(ledger.Result)
	return out, err
}

// Result returns one result the caller may see: staff any, a candidate
// their own, a test center those of its own appointments. A result's id
// names its candidate (resultID), so it is found in that candidate's read
// models without an index of its own.
func (a *App) Result(ctx context.Context, pr Principal, id string) (ledger.Result, error) {
	candidate, ok := resultCandidate(id)
	if !ok || !idPattern.MatchString(id) || (pr.Role == RoleCandidate && pr.Subject != candidate) {
		return ledger.Result{}, hidden("result " + quoteShort(id))
	}
	var out ledger.Result
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		v, err := tx.View(ctx, candidate)
		if err != nil {
			return storeErr(err, "read models of "+candidate)
		}
		for _, r := range v.Results {
			if r.ID != id {
				continue
			}
			if pr.Role == RoleCenter {
				// A center sees the results of its own appointments only.
				for _, ap := range v.Appointments {
					if ap.ID == r.Appointment && ap.Center == pr.Subject {
						out = r
						return nil
					}
				}
				break
			}
			out = r
			return nil
		}
		return hidden("result " + id)
	})
	return out, err
}

// resultCandidate reads the candidate out of a result id: what precedes
// its last "-r", which is followed by the event's number alone.
func resultCandidate(id string) (string, bool) {
	i := strings.LastIndex(id, "-r")
	if i <= 0 || i+2 == len(id) {
		return "", false
	}
	for _, c := range id[i+2:] {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	return id[:i], true
}

// resultID names a result by the event that recorded it, so it is stable
// across rebuilds.
func resultID(candidate string, seq int64) string { return fmt.Sprintf("%s-r%d", candidate, seq) }

func scaledScore(e *policy.Exam, in ResultInput) (int, error) {
	if in.Scaled != nil {
		if *in.Scaled < e.ScoreMin || *in.Scaled > e.ScoreMax {
			return 0, invalid("scaled_score", "%d is not on %s's scale %d-%d (E3)", *in.Scaled, e.Code, e.ScoreMin, e.ScoreMax)
		}
		return *in.Scaled, nil
	}
	if in.Form == "" {
		return 0, invalid("form", "a raw score needs the form it was taken on (E5)")
	}
	s, err := e.Scale(in.Form, *in.Raw)
	if err != nil {
		return 0, invalid("raw_score", "%v", err)
	}
	return s, nil
}

// consequences compares the standing before and after a result and returns
// the events that record what changed: vouchers issued and certifications
// earned or renewed.
func consequences(s *subject, before policy.Report, now time.Time) []staged {
	after := s.prog.Report(s.hist, now)
	var evs []staged
	had := map[string]bool{}
	for _, v := range before.Vouchers {
		had[voucherID(s.cand.ID, v)] = true
	}
	for _, v := range after.Vouchers {
		if id := voucherID(s.cand.ID, v); !had[id] {
			evs = append(evs, staged{EvVoucherIssued, EventData{Voucher: id, Exam: v.FromExam}})
		}
	}
	old := map[string]policy.CertReport{}
	for _, c := range before.Certifications {
		old[c.ID] = c
	}
	for _, c := range after.Certifications {
		prev, had := old[c.ID]
		if had && prev.Expires == c.Expires && prev.Term.BasisDate == c.Term.BasisDate {
			continue
		}
		typ := EvCertEarned
		if c.Term.Renewed {
			typ = EvCertRenewed
		}
		exp := ""
		if c.Expires != policy.NoDate {
			exp = c.Expires.String()
		}
		evs = append(evs, staged{typ, EventData{Certification: c.ID, Exam: c.Term.BasisExam, ExpiresOn: exp}})
	}
	return evs
}

// staged is an event a use case is about to emit.
type staged struct {
	typ  string
	data EventData
}

// ResultDomains is a result's score report by domain, as app stored it
// (the ledger keeps it as JSON of policy.DomainResult): the one reader of
// that column, for the API and the pages alike.
func ResultDomains(r ledger.Result) ([]policy.DomainResult, error) {
	if len(r.Domains) == 0 {
		return nil, nil
	}
	var ds []policy.DomainResult
	if err := json.Unmarshal(r.Domains, &ds); err != nil {
		return nil, &Error{Code: CodeInternal, Message: "the domains of result " + r.ID + " do not decode", Err: err}
	}
	return ds, nil
}
