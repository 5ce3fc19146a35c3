package app

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// CertificationStatus is a certification as a candidate or an employer
// sees it on a day: state, expiry, how it was earned and its history.
type CertificationStatus struct {
	ledger.Certification
	State   string         // active, grace, expired, revoked
	History []ledger.Event // the stream events that earned, renewed or revoked it
}

// Standing is a candidate's certifications, vouchers and fees on a day.
type Standing struct {
	Candidate      string
	Program        string
	Date           string
	Certifications []CertificationStatus
	Vouchers       []ledger.Voucher
	Results        []ledger.Result
	Fees           []ledger.Fee
}

// Standing reads a candidate's read models and computes what depends on
// the day: states and voucher expiry.
func (a *App) Standing(ctx context.Context, pr Principal, candidate string) (Standing, error) {
	if !pr.canSeeCandidate(candidate) {
		return Standing{}, hidden("candidate " + candidate)
	}
	var st Standing
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		s, err := a.load(ctx, tx, candidate)
		if err != nil {
			return err
		}
		v, err := tx.View(ctx, candidate)
		if err != nil {
			return storeErr(err, "read models of "+candidate)
		}
		today := s.hist.DateOf(a.now())
		st = Standing{Candidate: candidate, Program: s.prog.Label(), Date: today.String(), Vouchers: v.Vouchers, Results: v.Results, Fees: v.Fees}
		for _, c := range v.Certifications {
			cs := CertificationStatus{Certification: c, State: certState(s.prog, c, today), History: certHistory(s.events, c.Certification)}
			st.Certifications = append(st.Certifications, cs)
		}
		for i := range st.Vouchers {
			if st.Vouchers[i].State == "unused" && st.Vouchers[i].ExpiresOn != "" && st.Vouchers[i].ExpiresOn < today.String() {
				st.Vouchers[i].State = "expired"
			}
		}
		return nil
	})
	return st, err
}

func certState(p *policy.Program, c ledger.Certification, today policy.Date) string {
	if c.Revoked {
		return "revoked"
	}
	if c.ExpiresOn == "" {
		return string(policy.StateActive)
	}
	exp, err := policy.ParseDate(c.ExpiresOn)
	if err != nil {
		return string(policy.StateExpired)
	}
	t := policy.Term{Earned: true, Expires: exp}
	if cert, ok := p.Certification(c.Certification); ok {
		t.Grace = cert.Grace
	}
	return string(t.StateOn(today))
}

// Ask puts one question to the engine about a candidate, now: the same
// questions as recert decide (book, cancel, reschedule, status,
// recertify_options, score), answered with the explanation.
func (a *App) Ask(ctx context.Context, pr Principal, candidate string, ask policy.Ask) (Answer, error) {
	if !pr.canSeeCandidate(candidate) {
		return Answer{}, hidden("candidate " + quoteShort(candidate))
	}
	var out Answer
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		s, err := a.load(ctx, tx, candidate)
		if err != nil {
			return err
		}
		d := s.prog.Decide(s.hist, a.now().UTC(), ask)
		out = Answer{Decision: d, Explanation: s.prog.Explain(&d), JSON: decisionJSON(s.prog, &d)}
		return nil
	})
	return out, err
}

// Answer is the engine's decision, its explanation, and the decision as
// the engine's one JSON encoder writes it, which is what the API sends.
type Answer struct {
	Decision    policy.Decision
	Explanation []string
	JSON        json.RawMessage
}

// Plan is the renewal plan for one of a candidate's certifications.
func (a *App) Plan(ctx context.Context, pr Principal, candidate, certification string) (policy.RenewalPlan, error) {
	if !pr.canSeeCandidate(candidate) {
		return policy.RenewalPlan{}, hidden("candidate " + candidate)
	}
	var plan policy.RenewalPlan
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		s, err := a.load(ctx, tx, candidate)
		if err != nil {
			return err
		}
		plan, err = s.prog.Plan(s.hist, a.now().UTC(), certification)
		if err != nil {
			return &Error{Code: CodeNotFound, Message: "program " + s.prog.ID + " has no certification " + certification}
		}
		return nil
	})
	return plan, err
}

// Fees pages through a candidate's fee ledger.
func (a *App) Fees(ctx context.Context, pr Principal, candidate string, p ledger.Page) ([]ledger.Fee, error) {
	if !pr.canSeeCandidate(candidate) {
		return nil, hidden("candidate " + quoteShort(candidate))
	}
	if err := known("candidate", candidate); err != nil {
		return nil, err
	}
	if p.After != "" {
		if _, err := strconv.ParseInt(p.After, 10, 64); err != nil {
			return nil, invalid("after", "the fees cursor %q is not one this API gave", p.After)
		}
	}
	var out []ledger.Fee
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		out, err = tx.ListFees(ctx, candidate, page(p))
		return storeErr(err, "fees of "+candidate)
	})
	return out, err
}

// Now is the app's clock, for callers that show the moment of a decision.
func (a *App) Now() time.Time { return a.now() }
