package app

import (
	"context"

	"github.com/recert/recert/ledger"
)

// Credential is one issued credential, both forms: the candidate who holds
// it, or staff. Anyone else is told it does not exist.
func (a *App) Credential(ctx context.Context, pr Principal, id string) (ledger.IssuedCredential, error) {
	if err := known("credential", id); err != nil {
		return ledger.IssuedCredential{}, err
	}
	var c ledger.IssuedCredential
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		c, err = tx.Credential(ctx, id)
		return storeErr(err, "credential "+id)
	})
	if err != nil {
		return ledger.IssuedCredential{}, err
	}
	if !pr.canSeeCandidate(c.Candidate) || pr.Role == RoleCenter {
		return ledger.IssuedCredential{}, hidden("credential " + id)
	}
	return c, nil
}

// RevokeCredential revokes an issued credential for good (a credential
// found issued in error, a key compromise): no later change, by staff or
// by the certification's state, makes it active again. Staff only; the
// reason is kept with the credential and its event, never in the list.
func (a *App) RevokeCredential(ctx context.Context, pr Principal, id, reason string) (ledger.IssuedCredential, error) {
	return a.changeCredential(ctx, pr, id, reason, ledger.CredentialRevoked, "revoke credentials")
}

// SuspendCredential suspends an issued credential until staff reinstate
// it (an investigation under way). A suspension a grace period made
// becomes staff's: it is then no longer lifted by a renewal or the
// grace's end.
func (a *App) SuspendCredential(ctx context.Context, pr Principal, id, reason string) (ledger.IssuedCredential, error) {
	return a.changeCredential(ctx, pr, id, reason, ledger.CredentialSuspended, "suspend credentials")
}

// ReinstateCredential lifts a suspension staff set. A revoked credential
// stays revoked, and a grace period's suspension is lifted by the
// certification's renewal or the grace's end, not by staff.
func (a *App) ReinstateCredential(ctx context.Context, pr Principal, id, reason string) (ledger.IssuedCredential, error) {
	return a.changeCredential(ctx, pr, id, reason, ledger.CredentialActive, "reinstate credentials")
}

// changeCredential is the three staff changes: checked, then decided on
// the credential as it is under its candidate's lock.
func (a *App) changeCredential(ctx context.Context, pr Principal, id, reason, status, what string) (ledger.IssuedCredential, error) {
	if err := pr.mustBeStaff(what); err != nil {
		return ledger.IssuedCredential{}, err
	}
	if reason == "" {
		return ledger.IssuedCredential{}, invalid("reason", "a credential's status change needs a reason, kept in its history")
	}
	if err := checkText("reason", reason, maxNote); err != nil {
		return ledger.IssuedCredential{}, err
	}
	if err := known("credential", id); err != nil {
		return ledger.IssuedCredential{}, err
	}
	// Whose credential it is never changes: read before the lock only to
	// know which stream to lock.
	var holder string
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		c, err := tx.Credential(ctx, id)
		holder = c.Candidate
		return storeErr(err, "credential "+id)
	})
	if err != nil {
		return ledger.IssuedCredential{}, a.rememberRefusal(ctx, pr, err)
	}
	v, err := a.write(ctx, pr, op{candidate: holder, decide: func(w *locked) (any, error) {
		c, err := w.tx.Credential(w.ctx, id)
		if err != nil {
			return nil, storeErr(err, "credential "+id)
		}
		if err := staffTransition(c, status, automaticStatus(w.s.events)[c.ID]); err != nil {
			return nil, err
		}
		if _, err := w.setCredentialStatus(c, status, reason, "", false); err != nil {
			return nil, err
		}
		// What the certification's state implies applies at once (a
		// credential reinstated during a grace period is suspended by it
		// again), so the answer is the status the write leaves.
		if err := w.syncCredentials(); err != nil {
			return nil, err
		}
		c, err = w.tx.Credential(w.ctx, id)
		return c, storeErr(err, "credential "+id)
	}})
	out, _ := v.(ledger.IssuedCredential)
	return out, err
}

// staffTransition refuses the changes staff cannot make from a
// credential's current status.
func staffTransition(c ledger.IssuedCredential, to string, automatic bool) error {
	refuse := func(msg string) error {
		return &Error{Code: CodeConflict, Message: "credential " + c.ID + " " + msg}
	}
	switch {
	case c.Status == ledger.CredentialRevoked:
		return refuse("is revoked, which is permanent")
	case to == ledger.CredentialSuspended && c.Status == ledger.CredentialSuspended && !automatic:
		return refuse("is suspended already")
	case to == ledger.CredentialActive && c.Status == ledger.CredentialActive:
		return refuse("is not suspended")
	case to == ledger.CredentialActive && automatic:
		return refuse("was suspended by its certification's grace period (" + c.Reason + "): a renewal or the grace's end lifts it")
	}
	return nil
}
