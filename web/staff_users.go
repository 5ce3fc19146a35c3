package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/recert/recert/app"
	"github.com/recert/recert/internal/httpstatus"
	"github.com/recert/recert/ledger"
)

// staffUsersDone are the page's confirmations, by the redirect's done.
var staffUsersDone = map[string]string{
	"added":   "Added: they sign in at /signin with their address.",
	"removed": "Removed: their sessions have ended.",
}

// staffUsersPage lists the staff who sign in by e-mail, with the form
// that adds one and what it was sent back with.
type staffUsersPage struct {
	Users             []ledger.StaffUser
	Email, Name, Role string
	Field, Error      string
	Done              string
}

// staffUsers is /staff/users: the staff users and a form to add one, so
// an admin manages colleagues without the shell (`recert staff` does the
// same on the database's machine). app lets only admins list them.
func staffUsers(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, err := me(r)
	if err != nil {
		return err
	}
	// The confirmation is one of this page's own sentences, chosen by the
	// redirect: a link cannot make the page say anything else.
	return s.renderStaffUsers(w, r, pr, http.StatusOK, staffUsersPage{Role: string(app.RoleStaff), Done: staffUsersDone[r.URL.Query().Get("done")]})
}

func (s *server) renderStaffUsers(w http.ResponseWriter, r *http.Request, pr app.Principal, status int, p staffUsersPage) error {
	users, err := s.app.StaffUsers(r.Context(), pr)
	if err != nil {
		return err
	}
	p.Users = users
	s.render(w, r, status, "staff_users", p)
	return nil
}

// staffUserAdd is POST /staff/users. A refused address or role is shown
// beside its field, with nothing stored.
func staffUserAdd(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, err := me(r)
	if err != nil {
		return err
	}
	p := staffUsersPage{Email: strings.TrimSpace(r.PostFormValue("email")), Name: strings.TrimSpace(r.PostFormValue("name")), Role: r.PostFormValue("role")}
	_, err = s.app.CreateStaffUser(r.Context(), pr, app.StaffInput{Email: p.Email, Name: p.Name, Role: app.Role(p.Role)})
	var e *app.Error
	if errors.As(err, &e) && (e.Code == app.CodeInvalid || e.Code == app.CodeExists) {
		p.Field, p.Error = e.Field, e.Message
		if p.Field != "name" && p.Field != "role" {
			p.Field = "email"
		}
		return s.renderStaffUsers(w, r, pr, httpstatus.Of(e.Code).Status, p)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/staff/users?done=added", http.StatusSeeOther)
	return nil
}

// staffUserRemove is POST /staff/users/{id}/remove: the user is deleted
// and their sessions end, in one transaction.
func staffUserRemove(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, err := me(r)
	if err != nil {
		return err
	}
	if _, err := s.app.RemoveStaffUser(r.Context(), pr, r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/staff/users?done=removed", http.StatusSeeOther)
	return nil
}
