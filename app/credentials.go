package app

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"time"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// CredentialIssuer secures verifiable credentials (the credential adapter
// fills it: Open Badges 3.0, with a Data Integrity proof and as a VC-JWT).
type CredentialIssuer interface {
	IssueCredential(in CredentialInput) (document []byte, jwt string, err error)
}

// CredentialInput is one certification term to issue a credential for.
type CredentialInput struct {
	ID                                  string
	CandidateID, CandidateName, Email   string
	Certification, CertificationName    string
	Exam                                string // the basis exam's series code (humanCode)
	AwardedDate, ValidFrom, ValidUntil  time.Time
	Scored                              bool
	Scaled, Passing, ScoreMin, ScoreMax int
	Supersedes                          string // the id of the credential a renewal replaces
	RevocationIndex, SuspensionIndex    int
	IssuedAt                            time.Time
}

// WithCredentials issues a credential on every earning and renewal.
func WithCredentials(c CredentialIssuer) Option { return func(a *App) { a.creds = c } }

// statusListSize is the entries of each status list (the specification's
// minimum, for herd privacy).
const statusListSize = 131072

// queueCredentials queues, in the write's transaction, the credential of
// every term the write earned or renewed.
func (w *locked) queueCredentials(v ledger.View) error {
	a := w.a
	if a.creds == nil || a.queue == nil {
		return nil
	}
	var jobs []Job
	// The staged events are the last of the locked stream's, decoded.
	evs := w.s.events
	for _, ev := range evs[len(evs)-len(w.staged):] {
		if ev.Type != EvCertEarned && ev.Type != EvCertRenewed {
			continue
		}
		for _, c := range v.Certifications {
			if c.Certification == ev.D.Certification && !c.Revoked {
				jobs = append(jobs, Job{Kind: JobCredential, Candidate: w.s.cand.ID, Certification: c.Certification, Term: c.BasisDate})
			}
		}
	}
	if len(jobs) == 0 {
		return nil
	}
	return storeErr(a.queue.Enqueue(w.ctx, w.tx, jobs), "queue")
}

// issueCredential is a JobCredential: under the candidate's lock, the
// term still held and not issued yet, it allocates the credential's two
// status indexes at random (never reused), has it secured, and stores it,
// in the transaction that completes the job.
func (a *App) issueCredential(ctx context.Context, j Job, done Done) error {
	if a.creds == nil {
		// Queued by a server that issues credentials, run by a worker
		// without the keys: leave it for one that has them.
		return errors.New("app: this worker has no issuer keys (RECERT_KEY or --key-file) to issue credentials with")
	}
	_, err := a.write(ctx, System, op{candidate: j.Candidate, decide: func(w *locked) (any, error) {
		v, err := w.view()
		if err != nil {
			return nil, err
		}
		var row ledger.Certification
		for _, c := range v.Certifications {
			if c.Certification == j.Certification {
				row = c
			}
		}
		if row.Certification == "" || row.Revoked || row.BasisDate != j.Term {
			return nil, done(w.ctx, w.tx) // the term moved on or was revoked: nothing to issue
		}
		prior, err := w.tx.ListCredentials(w.ctx, ledger.CredentialFilter{Candidate: j.Candidate, Certification: j.Certification}, ledger.Page{Limit: 500})
		if err != nil {
			return nil, storeErr(err, "credentials")
		}
		zone := w.s.hist.Zone()
		from, err := dayStart(row.BasisDate, zone)
		if err != nil {
			return nil, &Error{Code: CodeInternal, Message: "the term's start is not a date", Err: err}
		}
		in := CredentialInput{ID: w.a.newID("cred_"), CandidateID: j.Candidate, CandidateName: w.s.cand.Name, Email: w.s.cand.Email,
			Certification: row.Certification, Exam: row.BasisExam, ValidFrom: from, IssuedAt: w.now}
		in.AwardedDate, _ = dayStart(row.EarnedOn, zone)
		var latest ledger.IssuedCredential
		for _, p := range prior {
			if p.ValidFrom.Equal(from) {
				return nil, done(w.ctx, w.tx) // issued already
			}
			if p.AwardedDate.Before(in.AwardedDate) || in.AwardedDate.IsZero() {
				in.AwardedDate = p.AwardedDate // the first grant, kept on renewal
			}
			if p.IssuedAt.After(latest.IssuedAt) {
				latest = p
			}
		}
		in.Supersedes = latest.ID
		if row.ExpiresOn != "" {
			end, err := dayStart(row.ExpiresOn, zone)
			if err != nil {
				return nil, &Error{Code: CodeInternal, Message: "the term's end is not a date", Err: err}
			}
			in.ValidUntil = end.AddDate(0, 0, 1)
		}
		for _, c := range w.s.prog.Certifications {
			if c.ID == row.Certification {
				in.CertificationName = c.Name
			}
		}
		if x, ok := w.s.prog.Exam(row.BasisExam); ok {
			for _, r := range v.Results {
				if r.Exam == row.BasisExam && r.Passed && w.s.hist.DateOf(r.SatAt).String() == row.BasisDate {
					in.Scored, in.Scaled, in.Passing, in.ScoreMin, in.ScoreMax = true, r.Scaled, x.PassingScore, x.ScoreMin, x.ScoreMax
				}
			}
		}
		if in.RevocationIndex, err = freeIndex(w, ledger.PurposeRevocation); err != nil {
			return nil, err
		}
		if in.SuspensionIndex, err = freeIndex(w, ledger.PurposeSuspension); err != nil {
			return nil, err
		}
		doc, jwt, err := w.a.creds.IssueCredential(in)
		if err != nil {
			return nil, &Error{Code: CodeInternal, Message: "the credential cannot be issued", Err: err}
		}
		c := ledger.IssuedCredential{ID: in.ID, Candidate: in.CandidateID, Certification: in.Certification, IssuedAt: w.now,
			AwardedDate: in.AwardedDate, ValidFrom: in.ValidFrom, ValidUntil: in.ValidUntil, Supersedes: in.Supersedes,
			RevocationIndex: in.RevocationIndex, SuspensionIndex: in.SuspensionIndex, Document: doc, JWT: jwt,
			Status: ledger.CredentialActive, ChangedAt: w.now}
		if err := w.tx.CreateCredential(w.ctx, c); err != nil {
			return nil, storeErr(err, "credential "+c.ID)
		}
		w.credsChanged = true
		w.resync = true // issued during a grace period (a late job): suspended at once
		return nil, done(w.ctx, w.tx)
	}})
	return err
}

// freeIndex picks an index of a status list at random that no credential
// has: an index tells nothing of when or for whom it was issued.
func freeIndex(w *locked, purpose string) (int, error) {
	var b [8]byte
	for range 1000 {
		if _, err := rand.Read(b[:]); err != nil {
			return 0, err
		}
		i := int(binary.BigEndian.Uint64(b[:]) % statusListSize)
		taken, err := w.tx.StatusIndexTaken(w.ctx, purpose, i)
		if err != nil {
			return 0, storeErr(err, "status list "+purpose)
		}
		if !taken {
			return i, nil
		}
	}
	return 0, errors.New("the " + purpose + " status list is full")
}

// dayStart is the first instant of date in zone, UTC.
func dayStart(date string, zone *time.Location) (time.Time, error) {
	d, err := policy.ParseDate(date)
	if err != nil {
		return time.Time{}, err
	}
	t, err := time.ParseInLocation("2006-01-02", d.String(), zone)
	return t.UTC(), err
}

// Credentials lists a candidate's credentials, both forms of each, oldest
// first: the candidate or staff.
func (a *App) Credentials(ctx context.Context, pr Principal, candidate string, p ledger.Page) ([]ledger.IssuedCredential, error) {
	if !pr.canSeeCandidate(candidate) || pr.Role == RoleCenter {
		return nil, hidden("candidate " + candidate)
	}
	if err := checkCursor(p); err != nil {
		return nil, err
	}
	var out []ledger.IssuedCredential
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		if _, err := tx.Candidate(ctx, candidate); err != nil {
			return storeErr(err, "candidate "+candidate)
		}
		var err error
		out, err = tx.ListCredentials(ctx, ledger.CredentialFilter{Candidate: candidate}, p)
		return storeErr(err, "credentials of "+candidate)
	})
	return out, err
}
