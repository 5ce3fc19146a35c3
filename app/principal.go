package app

// Role is what a token may do. Every permission check of recert is in this
// package, next to the use cases, so that the HTTP API, the web pages and
// the command line cannot disagree about who may do what.
type Role string

const (
	RoleAdmin     Role = "admin"     // everything, including programs and tokens
	RoleStaff     Role = "staff"     // candidates, centers, appointments, results, exceptions
	RoleCenter    Role = "center"    // its own center's seats and appointments
	RoleCandidate Role = "candidate" // its own records
	RoleSystem    Role = "system"    // the process itself: import, rebuild, bootstrap
)

// Principal is who is asking.
type Principal struct {
	TokenID string
	Role    Role
	Subject string // the center or candidate id for those roles

	// idem is the Idempotency-Key of the request being served, set by
	// Idempotent for the write path to store the response under.
	idem *idemRequest
}

// System is the principal of work the process does for itself.
var System = Principal{TokenID: "system", Role: RoleSystem}

func (p Principal) isStaff() bool {
	return p.Role == RoleAdmin || p.Role == RoleStaff || p.Role == RoleSystem
}

func forbidden(what string) *Error {
	return &Error{Code: CodeForbidden, Message: "this token may not " + what}
}

// hidden answers as if a record did not exist: a candidate or center must
// not learn which ids other people have.
func hidden(what string) *Error {
	return &Error{Code: CodeNotFound, Message: what + " not found"}
}

func (p Principal) mustBeAdmin(what string) error {
	if p.Role != RoleAdmin && p.Role != RoleSystem {
		return forbidden(what)
	}
	return nil
}

func (p Principal) mustBeStaff(what string) error {
	if !p.isStaff() {
		return forbidden(what)
	}
	return nil
}

// canSeeCandidate: staff see everyone, a candidate only themself. A test
// center sees a candidate only through its own appointments (checked there).
func (p Principal) canSeeCandidate(id string) bool {
	return p.isStaff() || (p.Role == RoleCandidate && p.Subject == id)
}

// canActOnAppointment: staff on all; a candidate on their own; a center on
// those at its own center.
func (p Principal) canActOnAppointment(candidate, center string) bool {
	switch p.Role {
	case RoleCandidate:
		return p.Subject == candidate
	case RoleCenter:
		return p.Subject == center
	}
	return p.isStaff()
}

// MayReadReports says whether pr may read the staff reports, without
// reading one: a page that only lists them asks this.
func (a *App) MayReadReports(pr Principal) error { return pr.mustBeStaff("read reports") }

// MayUploadPrograms says whether pr may upload a definition (admins), so
// the upload form is offered only to those whose upload would be taken.
func (a *App) MayUploadPrograms(pr Principal) error { return pr.mustBeAdmin("upload programs") }
