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
	if err := checkText("reason", reason, maxNote); err != nil {
		return CertificationStatus{}, err
	}
	v, err := a.write(ctx, pr, op{candidate: candidate, decide: func(w *locked) (any, error) {
		s := w.s
		d := s.prog.Decide(s.hist, w.now, policy.Ask{Action: policy.Revoke, Certification: certification})
		if !d.Allowed {
			return nil, refusal(s.prog, &d, "revoking "+certification+" of "+candidate)
		}
		if err := w.emit(EvCertRevoked, EventData{Certification: certification, Reason: reason}, &d); err != nil {
			return nil, err
		}
		v, err := w.view()
		for _, c := range v.Certifications {
			if c.Certification == certification {
				return CertificationStatus{Certification: c, State: string(policy.StateRevoked), History: certHistory(s.events, certification)}, err
			}
		}
		return CertificationStatus{}, err
	}})
	out, _ := v.(CertificationStatus)
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
		v, err := a.write(ctx, pr, op{candidate: id, decide: func(w *locked) (any, error) {
			s := w.s
			recorded := map[string]bool{}
			for _, e := range s.events {
				if e.Type == EvCertExpired {
					recorded[e.D.Certification+"@"+e.D.ExpiresOn] = true
				}
			}
			added := 0
			for _, c := range s.prog.Report(s.hist, w.now).Certifications {
				if c.State != policy.StateExpired || recorded[c.ID+"@"+c.Expires.String()] {
					continue
				}
				if err := w.emit(EvCertExpired, EventData{Certification: c.ID, ExpiresOn: c.Expires.String()}, nil); err != nil {
					return nil, err
				}
				added++
			}
			return added, nil
		}})
		if err != nil {
			return n, err
		}
		added, _ := v.(int)
		n += added
	}
	return n, nil
}
