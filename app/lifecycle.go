package app

import (
	"context"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// Revoke withdraws a candidate's certification (results invalidated by a
// security review, a breach of the candidate agreement). Staff only. The
// certification is revoked until the candidate passes its own exam again;
// the reason is kept in the ledger with the event.
func (a *App) Revoke(ctx context.Context, pr Principal, candidate, certification, reason string) (CertificationStatus, error) {
	if err := pr.mustBeStaff("revoke certifications"); err != nil {
		return CertificationStatus{}, err
	}
	if reason == "" {
		return CertificationStatus{}, invalid("reason", "a revocation needs a reason, kept in the ledger")
	}
	var out CertificationStatus
	err := a.update(ctx, func(tx ledger.Tx) error {
		s, err := a.load(ctx, tx, candidate)
		if err != nil {
			return err
		}
		now := a.now().UTC()
		d := s.prog.Decide(s.hist, now, policy.Ask{Action: policy.Status, Certification: certification})
		if d.Has(policy.UnknownCertification) {
			return refusal(s.prog, &d, "revoking "+certification)
		}
		if d.State == policy.StateNone || d.State == policy.StateRevoked {
			return &Error{Code: CodeRefused, Message: candidate + " holds no " + certification + " to revoke (it is " + string(d.State) + ")",
				Reasons: []string{"not_held"}, Explanation: s.prog.Explain(&d), Program: d.Program}
		}
		ev := newEvent(EvCertRevoked, EventData{Certification: certification, Reason: reason}, now, decisionJSON(s.prog, &d), d.Program)
		if err := a.commit(ctx, tx, s, []ledger.Event{ev}); err != nil {
			return err
		}
		for _, c := range project(s.prog, candidate, s.events, s.hist).Certifications {
			if c.Certification == certification {
				out = CertificationStatus{Certification: c, State: string(policy.StateRevoked), History: certHistory(s.events, certification)}
			}
		}
		return a.remember(ctx, tx, out)
	})
	return out, err
}

// certHistory lists the events that earned, renewed, expired or revoked a
// certification.
func certHistory(evs []decoded, certification string) []ledger.Event {
	var out []ledger.Event
	for _, e := range evs {
		switch e.Type {
		case EvCertEarned, EvCertRenewed, EvCertExpired, EvCertRevoked:
			if e.D.Certification == certification {
				out = append(out, e.Event)
			}
		}
	}
	return out
}

// SweepExpiries appends a certification_expired event to the stream of
// every certification whose term ended before today and has no such event
// for that term yet, so that the ledger says when each one lapsed. It is
// idempotent: running it twice appends nothing the second time. serve runs
// it hourly. It reads every stream, which is fine for a program of
// thousands; the reminders worker will find due certifications by the
// read model's expiry index instead.
func (a *App) SweepExpiries(ctx context.Context, pr Principal) (int, error) {
	if err := pr.mustBeAdmin("sweep expiries"); err != nil {
		return 0, err
	}
	var ids []string
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		after := ""
		for {
			page, err := tx.StreamIDs(ctx, after, 1000)
			if err != nil {
				return storeErr(err, "streams")
			}
			if len(page) == 0 {
				return nil
			}
			ids = append(ids, page...)
			after = page[len(page)-1]
		}
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		added := 0
		err := a.update(ctx, func(tx ledger.Tx) error {
			added = 0
			s, err := a.load(ctx, tx, id)
			if err != nil {
				return err
			}
			now := a.now().UTC()
			recorded := map[string]bool{}
			for _, e := range s.events {
				if e.Type == EvCertExpired {
					recorded[e.D.Certification+"@"+e.D.ExpiresOn] = true
				}
			}
			var evs []ledger.Event
			for _, c := range s.prog.Report(s.hist, now).Certifications {
				if c.State != policy.StateExpired || recorded[c.ID+"@"+c.Expires.String()] {
					continue
				}
				evs = append(evs, newEvent(EvCertExpired, EventData{Certification: c.ID, ExpiresOn: c.Expires.String()}, now, nil, s.prog.Label()))
			}
			if len(evs) == 0 {
				return nil
			}
			added = len(evs)
			return a.commit(ctx, tx, s, evs)
		})
		if err != nil {
			return n, err
		}
		n += added
	}
	return n, nil
}
