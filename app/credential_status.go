package app

import (
	"context"
	"sort"
	"time"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// JobCredentialStatus applies, at a moment the dates set, the credential
// status the certification's state implies (Job.Candidate,
// Job.Certification, Job.Term: the last day of a grace period): queued
// when a grace period suspends a credential, it lifts the suspension at
// the grace's end, when the credential reads as expired by its dates.
const JobCredentialStatus = "credential_status"

// credentialChange is one status a credential is given automatically.
type credentialChange struct {
	cred   ledger.IssuedCredential
	status string
	reason string
	rule   string
	until  policy.Date // a grace's last day, for a grace suspension
}

// autoChanges are the changes the engine's CredentialStatus implies for a
// candidate's credentials on history h at now. Staff decisions win: a
// revoked credential is never touched and a suspension staff set is never
// lifted (only one the history marks automatic is); a revocation of the
// certification revokes whatever the status, with the revocation's own
// reason.
func autoChanges(p *policy.Program, h *policy.History, evs []decoded, creds []ledger.IssuedCredential, now time.Time) []credentialChange {
	if len(creds) == 0 {
		return nil
	}
	terms := map[string]policy.Term{}
	for _, c := range p.Report(h, now).Certifications {
		terms[c.ID] = c.Term
	}
	latest := map[string]ledger.IssuedCredential{}
	for _, c := range creds {
		l, ok := latest[c.Certification]
		if !ok || c.IssuedAt.After(l.IssuedAt) || c.IssuedAt.Equal(l.IssuedAt) && c.ID > l.ID {
			latest[c.Certification] = c
		}
	}
	auto := automaticStatus(evs)
	day := h.DateOf(now)
	var out []credentialChange
	for _, c := range creds {
		t, ok := terms[c.Certification]
		if !ok || c.Status == ledger.CredentialRevoked {
			continue
		}
		v := p.CredentialStatus(c.Certification, t, day, latest[c.Certification].ID == c.ID && ofTerm(h, c, t))
		ch := credentialChange{cred: c, status: v.Status, reason: v.Reason, rule: v.Rule, until: v.Until}
		switch {
		case v.Status == policy.CredentialRevoked:
			if r := revocationReason(evs, c.Certification); r != "" {
				ch.reason = r
			}
		case v.Status == policy.CredentialSuspended && c.Status == ledger.CredentialActive:
		case v.Status == policy.CredentialActive && c.Status == ledger.CredentialSuspended && auto[c.ID]:
		default:
			continue
		}
		out = append(out, ch)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].cred.ID < out[j].cred.ID })
	return out
}

// ofTerm says whether credential c is of term t: it starts on the term's
// basis date (a day either way, for a candidate who moved to another zone
// since it was issued; terms are years apart). A renewal whose credential
// is not issued yet leaves the latest one of an earlier term.
func ofTerm(h *policy.History, c ledger.IssuedCredential, t policy.Term) bool {
	d := h.DateOf(c.ValidFrom)
	return d >= t.BasisDate.AddDays(-1) && d <= t.BasisDate.AddDays(1)
}

// automaticStatus says, for each credential the history changed, whether
// its last change was automatic.
func automaticStatus(evs []decoded) map[string]bool {
	out := map[string]bool{}
	for _, e := range evs {
		switch e.Type {
		case EvCredRevoked, EvCredSuspended, EvCredReinstated:
			if e.D.Credential != "" {
				out[e.D.Credential] = e.D.Automatic
			}
		}
	}
	return out
}

// revocationReason is the reason of the certification's last revocation.
func revocationReason(evs []decoded, certification string) string {
	r := ""
	for _, e := range evs {
		if e.Type == EvCertRevoked && e.D.Certification == certification {
			r = e.D.Reason
		}
	}
	return r
}

// credentialEvent is the event type recording a change to status.
func credentialEvent(status string) string {
	switch status {
	case ledger.CredentialRevoked:
		return EvCredRevoked
	case ledger.CredentialSuspended:
		return EvCredSuspended
	}
	return EvCredReinstated
}

// candidateCredentials reads every credential of a candidate in tx.
func candidateCredentials(ctx context.Context, tx ledger.Tx, candidate string) ([]ledger.IssuedCredential, error) {
	var out []ledger.IssuedCredential
	p := ledger.Page{Limit: 500}
	for {
		page, err := tx.ListCredentials(ctx, ledger.CredentialFilter{Candidate: candidate}, p)
		if err != nil {
			return nil, storeErr(err, "credentials of "+candidate)
		}
		out = append(out, page...)
		if len(page) < p.Limit {
			return out, nil
		}
		p.After = page[len(page)-1].ID
	}
}

// syncCredentials gives the locked candidate's credentials the statuses
// their certifications' states imply, in the write's transaction, each
// change with its event: the write path runs it before appending, so a
// revocation, an expiry into grace or a renewal changes the credentials in
// the write that records it.
func (w *locked) syncCredentials() error {
	s := w.s
	creds, err := candidateCredentials(w.ctx, w.tx, s.cand.ID)
	if err != nil || len(creds) == 0 {
		return err
	}
	h, err := w.history()
	if err != nil {
		return err
	}
	var jobs []Job
	for _, ch := range autoChanges(s.prog, h, s.events, creds, w.now) {
		if _, err := w.setCredentialStatus(ch.cred, ch.status, ch.reason, ch.rule, true); err != nil {
			return err
		}
		if ch.until != policy.NoDate {
			jobs = append(jobs, Job{Kind: JobCredentialStatus, Candidate: s.cand.ID, Certification: ch.cred.Certification,
				Term: ch.until.String(), At: ch.until.AddDays(1).Start(h.Zone()).UTC()})
		}
	}
	if len(jobs) == 0 || w.a.queue == nil {
		return nil
	}
	return storeErr(w.a.queue.Enqueue(w.ctx, w.tx, jobs), "queue")
}

// setCredentialStatus stores a credential's new status and stages its
// event on the locked stream.
func (w *locked) setCredentialStatus(c ledger.IssuedCredential, status, reason, rule string, automatic bool) (ledger.IssuedCredential, error) {
	c.Status, c.Reason, c.ChangedAt = status, reason, w.now
	out, err := w.tx.SetCredentialStatus(w.ctx, c)
	if err != nil {
		return ledger.IssuedCredential{}, storeErr(err, "credential "+c.ID)
	}
	w.credsChanged = true
	d := EventData{Credential: c.ID, Certification: c.Certification, Reason: reason, Rule: rule, Automatic: automatic}
	return out, w.emit(credentialEvent(status), d, nil)
}

// credentialStatusJob is a JobCredentialStatus: on the locked stream, the
// credentials get the statuses the state of now implies (a grace that has
// ended lifts its suspension).
func (a *App) credentialStatusJob(ctx context.Context, j Job, done Done) error {
	_, err := a.write(ctx, System, op{candidate: j.Candidate, decide: func(w *locked) (any, error) {
		w.resync = true
		return nil, done(w.ctx, w.tx)
	}})
	return err
}

// syncCredentials is syncCredentials for an imported stream: an imported
// certification_revoked revokes the candidate's credentials in the
// import's transaction, like one recorded through the API.
func (b *batch) syncCredentials(s *importSubject) error {
	if s.stored == 0 {
		return nil // created by this import: no credential issued yet
	}
	creds, err := candidateCredentials(b.ctx, b.tx, s.cand.ID)
	if err != nil || len(creds) == 0 {
		return err
	}
	for _, ch := range autoChanges(s.prog, s.hist, s.events, creds, b.now) {
		c := ch.cred
		c.Status, c.Reason, c.ChangedAt = ch.status, ch.reason, b.now
		if _, err := b.tx.SetCredentialStatus(b.ctx, c); err != nil {
			return storeErr(err, "credential "+c.ID)
		}
		d := EventData{Credential: c.ID, Certification: c.Certification, Reason: ch.reason, Rule: ch.rule, Automatic: true}
		if err := b.add(s, newEvent(credentialEvent(ch.status), d, b.now, nil, s.prog.Label()), d, true); err != nil {
			return err
		}
	}
	return nil
}
