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
