package app

import (
	"context"
	"errors"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// CredentialVerifier checks a credential cryptographically: its form,
// signature, issuer, schema, dates and status lists. The credential
// adapter fills it with the issuer's own keys and status lists; app adds
// what its ledger knows of the credential.
type CredentialVerifier interface {
	Verify(input []byte, at time.Time) VerifyResult
	// LocalID is the credential id ("cred_…") of one of this issuer's
	// credential URLs, false for any other URL.
	LocalID(credentialURL string) (string, bool)
}

// VerifyCheck is one check the verifier ran and what it found.
type VerifyCheck struct {
	Name   string // format, signature, issuer, schema, dates, status
	OK     bool
	Detail string
}

// VerifyResult is the verifier's answer alone. ID and LocalID are read
// from the credential only once its signature held.
type VerifyResult struct {
	Form       string // vc+jwt or data-integrity; "" when unreadable
	State      string // invalid, not_yet_valid, active, expiring_soon, expired, suspended, revoked
	Checks     []VerifyCheck
	Issuer     string
	ValidFrom  *time.Time
	ValidUntil *time.Time
	ID         string // the credential's own id (its URL)
	LocalID    string // its id in this issuer's ledger, when ID is one of its URLs
	Holder     string // credentialSubject.name, as signed
	Name       string // the achievement's name, as signed
}

// The states a Verification answers.
const (
	VerifyActive       = "active"
	VerifyExpiringSoon = "expiring_soon"
	VerifyInGrace      = "in_grace"
	VerifyExpired      = "expired"
	VerifySuspended    = "suspended"
	VerifyRevoked      = "revoked"
	VerifySuperseded   = "superseded"
	VerifyNotYetValid  = "not_yet_valid"
	VerifyInvalid      = "invalid"
)

// DefaultExpiringWithin is how close to validUntil a credential is
// "expiring soon" when its certification sets no reminders: the first
// expiry reminder most programs send.
const DefaultExpiringWithin = 90 * 24 * time.Hour

// Verification is what anyone may learn of a credential: the verifier's
// checks joined with recert's record of it (when the signature held and
// the credential is one of this issuer's). It never carries the holder's
// e-mail.
type Verification struct {
	State       string
	Form        string
	Checks      []VerifyCheck
	FailedCheck string // the check that failed, when State is invalid
	Issuer      string
	// Known says recert holds the credential: the fields below come from
	// its ledger, not only from the credential.
	Known             bool
	ID                string // cred_…
	URL               string
	Holder            string
	Certification     string
	CertificationName string
	AwardedDate       *time.Time
	ValidFrom         *time.Time
	ValidUntil        *time.Time
	Reason            string // why it was revoked or suspended
	Supersedes        string
	SupersededBy      string
	SupersededByURL   string
	History           []VerifiedTerm // the holder's credentials of the certification, oldest first

	candidate string
	email     string // kept in app: a roster compares it, nothing shows it
}

// VerifiedTerm is one credential of a renewal history.
type VerifiedTerm struct {
	ID, URL     string
	IssuedAt    time.Time
	AwardedDate time.Time
	ValidFrom   time.Time
	ValidUntil  *time.Time
	State       string
}

// WithVerifier verifies credentials against this issuer's keys.
func WithVerifier(v CredentialVerifier) Option { return func(a *App) { a.verifier = v } }

// errNoIssuer answers verification on a server without issuer keys.
func errNoIssuer() error {
	return &Error{Code: CodeNotFound, Message: "this server issues no credentials (no issuer keys), so it verifies none"}
}

// VerifyCredential checks input (a VC-JWT, or a JSON-LD credential with
// its proof), as of now; anyone may ask. A credential that fails a check
// is an answer (State invalid, FailedCheck naming the check), not an
// error.
func (a *App) VerifyCredential(ctx context.Context, input []byte) (Verification, error) {
	if a.verifier == nil {
		return Verification{}, errNoIssuer()
	}
	now := a.now().UTC()
	r := a.verifier.Verify(input, now)
	return a.enrich(ctx, r, now)
}

// VerifyStored verifies one of this server's own credentials, named by its
// id (cred_…) or its URL: the stored VC-JWT is what is checked.
func (a *App) VerifyStored(ctx context.Context, ref string) (Verification, error) {
	if a.verifier == nil {
		return Verification{}, errNoIssuer()
	}
	id, err := a.credentialRef(ref)
	if err != nil {
		return Verification{}, err
	}
	var c ledger.IssuedCredential
	err = a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		c, err = tx.Credential(ctx, id)
		if errors.Is(err, ledger.ErrNotFound) {
			return &Error{Code: CodeNotFound, Field: "id", Message: "credential " + quoteShort(id) + " not found"}
		}
		return storeErr(err, "credential "+quoteShort(id))
	})
	if err != nil {
		return Verification{}, err
	}
	return a.VerifyCredential(ctx, []byte(c.JWT))
}

// credentialRef is the id of a credential given as an id or one of this
// issuer's credential URLs.
func (a *App) credentialRef(ref string) (string, error) {
	ref = strings.TrimSpace(ref)
	if strings.Contains(ref, "://") {
		u, err := url.Parse(ref)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
			return "", &Error{Code: CodeInvalid, Field: "url", Message: "the credential's URL " + quoteShort(ref) + " is not an http(s) URL"}
		}
		id, ok := a.verifier.LocalID(ref)
		if !ok {
			return "", &Error{Code: CodeNotFound, Field: "url", Message: quoteShort(ref) + " is not a credential of this issuer (…/credentials/{id})"}
		}
		ref = id
	}
	if err := checkID("credential", ref); err != nil || ref == "" {
		return "", &Error{Code: CodeInvalid, Field: "id", Message: "the credential id " + quoteShort(ref) + " is not an id"}
	}
	return ref, nil
}

// enrich joins r with the ledger's record of the credential. The
// verifier's answer wins for an invalid credential: nothing it says is
// looked up, since it is not known to be this issuer's.
func (a *App) enrich(ctx context.Context, r VerifyResult, now time.Time) (Verification, error) {
	v := Verification{State: r.State, Form: r.Form, Checks: r.Checks, Issuer: r.Issuer, URL: r.ID,
		Holder: r.Holder, CertificationName: r.Name, ValidFrom: r.ValidFrom, ValidUntil: r.ValidUntil}
	if r.State == VerifyInvalid {
		for _, c := range r.Checks {
			if !c.OK {
				v.FailedCheck = c.Name
			}
		}
		v.Holder, v.CertificationName, v.URL = "", "", ""
		return v, nil
	}
	if r.LocalID == "" || checkID("credential", r.LocalID) != nil {
		return v, nil
	}
	if c, vc, ok := a.verifyCache.credential(r.LocalID); ok {
		v.join(c, withRecord(vc.chain, c), vc.cand, vc.cert, now)
		if v.State != VerifyExpired && v.State != VerifySuspended {
			return v, nil // whether it is in grace needs the history: read below
		}
		v = Verification{State: r.State, Form: r.Form, Checks: r.Checks, Issuer: r.Issuer, URL: r.ID,
			Holder: r.Holder, CertificationName: r.Name, ValidFrom: r.ValidFrom, ValidUntil: r.ValidUntil}
	}
	// The generation before the read: a change committed while reading
	// leaves what was read stale.
	gen := a.verifyCache.gen.Load()
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		c, err := tx.Credential(ctx, r.LocalID)
		if errors.Is(err, ledger.ErrNotFound) {
			return nil // signed by this issuer, but not in this ledger (another database)
		}
		if err != nil {
			return storeErr(err, "credential "+r.LocalID)
		}
		vc, err := a.verifyContextOf(ctx, tx, c)
		if err != nil {
			return err
		}
		a.verifyCache.remember(c, gen)
		chain := withRecord(vc.chain, c)
		v.join(c, chain, vc.cand, vc.cert, now)
		if v.State == VerifyExpired || v.State == VerifySuspended {
			grace, err := a.inGrace(ctx, tx, vc.prog, vc.cand, c, chain)
			if err != nil {
				return err
			}
			if grace {
				v.State = VerifyInGrace
			}
		}
		return nil
	})
	return v, err
}

// withRecord is the chain as cached, with c as just read.
func withRecord(cached []ledger.IssuedCredential, c ledger.IssuedCredential) []ledger.IssuedCredential {
	chain := make([]ledger.IssuedCredential, len(cached))
	for i, o := range cached {
		if o.ID == c.ID {
			o = c
		}
		chain[i] = o
	}
	return chain
}

// join fills v from the ledger's credential c, its certification's other
// credentials, its holder and its certification's rules.
func (v *Verification) join(c ledger.IssuedCredential, chain []ledger.IssuedCredential, cand ledger.Candidate, cert policy.Certification, now time.Time) {
	v.Known, v.ID, v.candidate, v.email = true, c.ID, cand.ID, cand.Email
	v.Holder, v.Certification, v.Supersedes = cand.Name, c.Certification, c.Supersedes
	if cert.Name != "" {
		v.CertificationName = cert.Name
	}
	v.AwardedDate, v.ValidFrom = timePtr(c.AwardedDate), timePtr(c.ValidFrom)
	v.ValidUntil = nil
	if !c.ValidUntil.IsZero() {
		v.ValidUntil = timePtr(c.ValidUntil)
	}
	sort.SliceStable(chain, func(i, j int) bool { return chain[i].IssuedAt.Before(chain[j].IssuedAt) })
	base := strings.TrimSuffix(v.URL, "/"+c.ID)
	for _, o := range chain {
		if o.Supersedes == c.ID && o.ID != c.ID {
			v.SupersededBy = o.ID
			if base != v.URL {
				v.SupersededByURL = base + "/" + o.ID
			}
		}
	}
	for _, o := range chain {
		t := VerifiedTerm{ID: o.ID, IssuedAt: o.IssuedAt, AwardedDate: o.AwardedDate, ValidFrom: o.ValidFrom, State: termState(o, chain, now)}
		if base != v.URL {
			t.URL = base + "/" + o.ID
		}
		if !o.ValidUntil.IsZero() {
			t.ValidUntil = timePtr(o.ValidUntil)
		}
		v.History = append(v.History, t)
	}
	switch {
	case c.Status == ledger.CredentialRevoked || v.State == VerifyRevoked:
		// The ledger is newer than any list a verifier cached.
		v.State, v.Reason = VerifyRevoked, c.Reason
	case v.SupersededBy != "":
		v.State = VerifySuperseded
	case c.Status == ledger.CredentialSuspended || v.State == VerifySuspended:
		v.State, v.Reason = VerifySuspended, c.Reason
	case v.State == VerifyActive || v.State == VerifyExpiringSoon:
		v.State = VerifyActive
		if v.ValidUntil != nil && v.ValidUntil.Sub(now) <= expiringWithin(cert) {
			v.State = VerifyExpiringSoon
		}
	}
}

// expiringWithin is how long before expiry a credential is "expiring
// soon": the certification's first expiry reminder, when it sends one,
// else DefaultExpiringWithin. A verifier then sees what the holder was
// told.
func expiringWithin(cert policy.Certification) time.Duration {
	most := -1
	for _, d := range cert.Reminders {
		most = max(most, d)
	}
	if most < 0 {
		return DefaultExpiringWithin
	}
	return time.Duration(most) * 24 * time.Hour
}

// termState is a history entry's state, from the ledger and its dates.
func termState(c ledger.IssuedCredential, chain []ledger.IssuedCredential, now time.Time) string {
	switch c.Status {
	case ledger.CredentialRevoked:
		return VerifyRevoked
	case ledger.CredentialSuspended:
		return VerifySuspended
	}
	for _, o := range chain {
		if o.Supersedes == c.ID && o.ID != c.ID {
			return VerifySuperseded
		}
	}
	switch {
	case now.Before(c.ValidFrom):
		return VerifyNotYetValid
	case !c.ValidUntil.IsZero() && !now.Before(c.ValidUntil):
		return VerifyExpired
	}
	return VerifyActive
}

// inGrace says whether c is the holder's latest credential of a
// certification the engine sees in its grace period today (expired,
// still renewable): read only for an expired or suspended credential.
func (a *App) inGrace(ctx context.Context, tx ledger.Tx, p *policy.Program, cand ledger.Candidate, c ledger.IssuedCredential, chain []ledger.IssuedCredential) (bool, error) {
	for _, o := range chain {
		if o.IssuedAt.After(c.IssuedAt) {
			return false, nil
		}
	}
	view, err := tx.View(ctx, cand.ID)
	if err != nil {
		return false, storeErr(err, "read models of "+cand.ID)
	}
	loc, err := loadZone(cand.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	today, err := policy.ParseDate(a.now().In(loc).Format("2006-01-02"))
	if err != nil {
		return false, nil
	}
	for _, row := range view.Certifications {
		if row.Certification == c.Certification {
			return certState(p, row, today) == string(policy.StateGrace), nil
		}
	}
	return false, nil
}

func timePtr(t time.Time) *time.Time { t = t.UTC(); return &t }
