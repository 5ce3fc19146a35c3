package web

import (
	"time"

	"github.com/recert/recert/app"
)

// verifyView is the verification page's data: the verification, and its
// state in words (never colour alone).
type verifyView struct {
	V       app.Verification
	Heading string // the state, as the page's h1 says it
	Summary string // one sentence on what it means
	Class   string // state-ok, state-warn, state-bad
	Checks  []verifyCheckView
	History []verifyTermView
	// The dates, zero when the credential has none.
	AwardedDate, ValidFrom, ValidUntil time.Time
}

type verifyCheckView struct {
	Name, Result, Detail string
	OK                   bool
}

type verifyTermView struct {
	app.VerifiedTerm
	StateText string
	Current   bool
	Until     time.Time // zero: no expiry
}

// checkNames are the checks as a person reads them.
var checkNames = map[string]string{
	"format":    "Format",
	"signature": "Signature",
	"issuer":    "Issuer",
	"schema":    "Open Badges 3.0 schema",
	"dates":     "Dates",
	"status":    "Revocation and suspension lists",
}

// failedWords name a failed check in the heading.
var failedWords = map[string]string{"format": "format", "signature": "signature", "issuer": "issuer",
	"schema": "schema", "dates": "dates", "status": "status list"}

// verifyStateWords are each state's heading, meaning and class.
var verifyStateWords = map[string][3]string{
	app.VerifyActive:       {"Active", "This credential is genuine and its certification is current.", "state-ok"},
	app.VerifyExpiringSoon: {"Active, expiring soon", "This credential is genuine and current, and its term ends soon.", "state-warn"},
	app.VerifyInGrace:      {"Expired, in its grace period", "The term has ended, but the program still lets the holder renew it for a while.", "state-warn"},
	app.VerifyExpired:      {"Expired", "This credential is genuine, but its term has ended.", "state-bad"},
	app.VerifySuspended:    {"Suspended", "The issuer has suspended this credential; it is not current while suspended.", "state-bad"},
	app.VerifyRevoked:      {"Revoked", "The issuer has revoked this credential; it is no longer valid.", "state-bad"},
	app.VerifySuperseded:   {"Superseded by a renewal", "The holder renewed this certification: a newer credential replaces this one.", "state-warn"},
	app.VerifyNotYetValid:  {"Not yet valid", "This credential is genuine, but its term has not begun.", "state-warn"},
	app.VerifyInvalid:      {"Not valid", "A check failed: this credential cannot be trusted.", "state-bad"},
}

func verifyStateText(state string) string {
	if w, ok := verifyStateWords[state]; ok {
		return w[0]
	}
	return state
}

// verifyResultPage puts v in words.
func verifyResultPage(v app.Verification) verifyView {
	w, ok := verifyStateWords[v.State]
	if !ok {
		w = [3]string{v.State, "", "state-bad"}
	}
	out := verifyView{V: v, Heading: w[0], Summary: w[1], Class: w[2]}
	if v.State == app.VerifyInvalid && v.FailedCheck != "" {
		out.Heading = "Not valid: the " + failedWords[v.FailedCheck] + " check failed"
	}
	for _, c := range v.Checks {
		cv := verifyCheckView{Name: checkNames[c.Name], Detail: c.Detail, OK: c.OK, Result: "passed"}
		if cv.Name == "" {
			cv.Name = c.Name
		}
		if !c.OK {
			cv.Result = "failed"
		}
		out.Checks = append(out.Checks, cv)
	}
	for _, h := range v.History {
		out.History = append(out.History, verifyTermView{VerifiedTerm: h, StateText: verifyStateText(h.State), Current: h.ID == v.ID, Until: verifyDeref(h.ValidUntil)})
	}
	out.AwardedDate, out.ValidFrom, out.ValidUntil = verifyDeref(v.AwardedDate), verifyDeref(v.ValidFrom), verifyDeref(v.ValidUntil)
	return out
}

func verifyDeref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
