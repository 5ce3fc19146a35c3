package policy

// The statuses a credential can be given, named as the status lists and
// the ledger name them.
const (
	CredentialActive    = "active"
	CredentialSuspended = "suspended"
	CredentialRevoked   = "revoked"
)

// CredentialCode says why a certification's state implies a credential's
// status. Each is cited with the program rule behind it.
type CredentialCode string

const (
	// CredTermActive: the certification is held; nothing to suspend.
	CredTermActive CredentialCode = "term_active"
	// CredInGrace: the term expired and can still be renewed (a program's
	// grace after expiry, rule kind "renewal"): the current credential is
	// suspended until it is renewed or the grace ends.
	CredInGrace CredentialCode = "in_grace"
	// CredRenewed: a later term replaced the one the credential is of (rule
	// kind "renewal"); it is superseded, not suspended.
	CredRenewed CredentialCode = "renewed"
	// CredGraceEnded: the grace ended without a renewal (rule kind
	// "not_active"); the credential reads as expired by its own dates, so
	// nothing is left to suspend.
	CredGraceEnded CredentialCode = "grace_ended"
	// CredTermExpired: the term ended and no grace follows (rule kind
	// "validity"); expired by its dates.
	CredTermExpired CredentialCode = "term_expired"
	// CredCertRevoked: the certification was revoked (rule kind "revoked");
	// its credentials are revoked, for good.
	CredCertRevoked CredentialCode = "certification_revoked"
)

// CredentialVerdict is the status a certification's state implies for one
// of its credentials, with the reason and the rule.
type CredentialVerdict struct {
	Status string // CredentialActive, CredentialSuspended, CredentialRevoked
	Code   CredentialCode
	Rule   string // the program's rule id, "" when it names none
	// Until is the last day of the grace for CredInGrace, NoDate otherwise.
	Until Date
	// Reason is the words kept with the status change (a revocation keeps
	// the revocation's own reason instead).
	Reason string
}

// CredentialStatus is the status that the term t of certification, on date
// d, implies for a credential of it. current says whether the credential
// is the latest one issued for the certification (the one of the current
// term): only it is suspended during a grace period, since the earlier
// ones were superseded by renewals already. It is the engine's whole say
// on automatic credential status; manual changes by staff are the app's
// to keep and this never overrides them.
func (p *Program) CredentialStatus(certification string, t Term, d Date, current bool) CredentialVerdict {
	v := CredentialVerdict{Status: CredentialActive, Code: CredTermActive, Rule: p.Rule("validity"), Until: NoDate}
	state := t.StateOn(d)
	switch {
	case state == StateRevoked || t.Revoked && !t.Earned:
		v.Status, v.Code, v.Rule = CredentialRevoked, CredCertRevoked, p.Rule("revoked")
		v.Reason = certification + " was revoked" + p.cite("revoked")
	case !current:
		v.Code, v.Rule = CredRenewed, p.Rule("renewal")
		v.Reason = certification + " was renewed: a later credential supersedes this one" + p.cite("renewal")
	case state == StateGrace:
		end := t.Grace.AddTo(t.Expires)
		v.Status, v.Code, v.Rule, v.Until = CredentialSuspended, CredInGrace, p.Rule("renewal"), end
		v.Reason = "in its grace period until " + end.String() + ": renewable until then" + p.cite("renewal")
	case state == StateExpired && !t.Grace.IsZero():
		v.Code, v.Rule = CredGraceEnded, p.Rule("not_active")
		v.Reason = "the grace period ended on " + t.Grace.AddTo(t.Expires).String() + " without a renewal: expired since " +
			t.Expires.String() + p.cite("not_active")
	case state == StateExpired:
		v.Code = CredTermExpired
		v.Reason = "expired since " + t.Expires.String() + p.cite("validity")
	default:
		v.Reason = certification + " is held" + p.cite("validity")
	}
	return v
}
