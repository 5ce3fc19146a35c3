package app

import (
	"context"
	"errors"
	"strings"

	"github.com/recert/recert/ledger"
)

// StaffInput asks for a staff user: someone who signs in to the staff
// pages by e-mail. API tokens carry no address, so a person needs this
// record to be sent a sign-in link; it holds an address and a role and
// nothing else (docs/decisions.md).
type StaffInput struct {
	Email string
	Name  string
	Role  Role // admin or staff
}

// CreateStaffUser adds a staff user. Admin only (the command line acts
// as System).
func (a *App) CreateStaffUser(ctx context.Context, pr Principal, in StaffInput) (ledger.StaffUser, error) {
	if err := pr.mustBeAdmin("add staff users"); err != nil {
		return ledger.StaffUser{}, err
	}
	in.Email = strings.TrimSpace(in.Email)
	if err := checkEmail("email", in.Email); err != nil {
		return ledger.StaffUser{}, err
	}
	if err := checkText("name", in.Name, maxName); err != nil {
		return ledger.StaffUser{}, err
	}
	if in.Role != RoleAdmin && in.Role != RoleStaff {
		return ledger.StaffUser{}, invalid("role", "a staff user's role is admin or staff, not %s", quoteShort(string(in.Role)))
	}
	u := ledger.StaffUser{ID: a.newID("stf_"), Email: strings.ToLower(in.Email), Name: in.Name, Role: string(in.Role), CreatedAt: a.now().UTC()}
	_, err := a.write(ctx, pr, op{decide: func(w *locked) (any, error) {
		err := w.tx.CreateStaffUser(ctx, u)
		if errors.Is(err, ledger.ErrExists) {
			return nil, &Error{Code: CodeExists, Field: "email", Message: "a staff user with the address " + u.Email + " exists already", Err: err}
		}
		return u, storeErr(err, "staff user")
	}})
	if err != nil {
		return ledger.StaffUser{}, err
	}
	return u, nil
}

// StaffUsers lists the staff users. Admin only.
func (a *App) StaffUsers(ctx context.Context, pr Principal) ([]ledger.StaffUser, error) {
	if err := pr.mustBeAdmin("list staff users"); err != nil {
		return nil, err
	}
	var out []ledger.StaffUser
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		out, err = tx.ListStaffUsers(ctx)
		return storeErr(err, "staff users")
	})
	return out, err
}

// RemoveStaffUser deletes the staff user with that address (or id) and
// ends their sessions in the same transaction. Admin only.
func (a *App) RemoveStaffUser(ctx context.Context, pr Principal, emailOrID string) (ledger.StaffUser, error) {
	if err := pr.mustBeAdmin("remove staff users"); err != nil {
		return ledger.StaffUser{}, err
	}
	key := strings.TrimSpace(emailOrID)
	v, err := a.write(ctx, pr, op{decide: func(w *locked) (any, error) {
		var u ledger.StaffUser
		var err error
		if strings.Contains(key, "@") {
			u, err = w.tx.StaffUserByEmail(ctx, strings.ToLower(key))
		} else {
			u, err = w.tx.StaffUser(ctx, key)
		}
		if err != nil {
			return nil, storeErr(err, "staff user "+quoteShort(key))
		}
		if err := w.tx.DeleteStaffUser(ctx, u.ID); err != nil {
			return nil, storeErr(err, "staff user "+u.ID)
		}
		if _, err := w.tx.DeleteSessionsOf(ctx, ownerStaff+u.ID); err != nil {
			return nil, storeErr(err, "sessions of "+u.ID)
		}
		return u, nil
	}})
	if err != nil {
		return ledger.StaffUser{}, err
	}
	return v.(ledger.StaffUser), nil
}
