package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/recert/recert/app"
)

// TestStaffUsersPage: an admin lists, adds and removes staff users on
// /staff/users; a bad or taken address comes back beside its field with
// nothing stored; staff who are not admins and candidates are refused.
func TestStaffUsersPage(t *testing.T) {
	s := newCandSite(t)
	admin := app.Principal{TokenID: "tok-admin", Role: app.RoleAdmin}
	p := s.as(t, admin, "POST", "/staff/users", url.Values{"email": {"Margaret@Example.com"}, "name": {"Margaret"}, "role": {"admin"}})
	if p.status != 303 || !strings.HasPrefix(p.header.Get("Location"), "/staff/users?done=") {
		t.Fatalf("add: %d %s", p.status, p.header.Get("Location"))
	}
	p = s.as(t, admin, "GET", "/staff/users", nil)
	if p.status != 200 || p.text("#staff-users tbody td:nth-child(1)") != "margaret@example.com" || p.text("#staff-users tbody td:nth-child(3)") != "admin" {
		t.Fatalf("list: %d %q", p.status, p.text("#staff-users tbody"))
	}
	for _, c := range []struct {
		form   url.Values
		status int
		field  string
	}{
		{url.Values{"email": {"not an address"}, "role": {"staff"}}, 400, "#staff-email-error"},
		{url.Values{"email": {"margaret@example.com"}, "role": {"staff"}}, 409, "#staff-email-error"},
		{url.Values{"email": {"ann@example.com"}, "role": {"candidate"}}, 400, "#staff-role-error"},
	} {
		p := s.as(t, admin, "POST", "/staff/users", c.form)
		if p.status != c.status || p.text(c.field) == "" {
			t.Errorf("%v: %d, %s %q; want %d with the error beside its field", c.form, p.status, c.field, p.text(c.field), c.status)
		}
	}
	if n := s.as(t, admin, "GET", "/staff/users", nil).doc.Find("#staff-users tbody tr").Length(); n != 1 {
		t.Errorf("%d staff users after the refusals, want 1", n)
	}
	for _, pr := range []app.Principal{staff, c1} {
		if p := s.as(t, pr, "GET", "/staff/users", nil); p.status != 403 && p.status != 404 {
			t.Errorf("GET as %s: %d", pr.Role, p.status)
		}
		if p := s.as(t, pr, "POST", "/staff/users", url.Values{"email": {"eve@example.com"}, "role": {"admin"}}); p.status != 403 && p.status != 404 {
			t.Errorf("POST as %s: %d", pr.Role, p.status)
		}
	}
	id, _ := s.as(t, admin, "GET", "/staff/users", nil).doc.Find("#staff-users tbody tr").Attr("id")
	p = s.as(t, admin, "POST", "/staff/users/"+strings.TrimPrefix(id, "user-")+"/remove", url.Values{})
	if p.status != 303 {
		t.Fatalf("remove %s: %d %s", id, p.status, p.body)
	}
	if n := s.as(t, admin, "GET", "/staff/users", nil).doc.Find("#staff-users tbody tr").Length(); n != 0 {
		t.Errorf("%d staff users after the removal, want 0", n)
	}
}

// TestConfirmationsCannotBeForged: the staff pages' confirmations come
// from the server, not from text in the link.
func TestConfirmationsCannotBeForged(t *testing.T) {
	s := newCandSite(t)
	admin := app.Principal{TokenID: "tok-admin", Role: app.RoleAdmin}
	if p := s.as(t, admin, "GET", "/staff/users?done=Your+account+is+locked", nil); p.doc.Find("#staff-users-done").Length() != 0 {
		t.Errorf("/staff/users shows the link's text: %q", p.text("#staff-users-done"))
	}
	if p := s.as(t, admin, "GET", "/staff/users?done=added", nil); !strings.HasPrefix(p.text("#staff-users-done"), "Added") {
		t.Errorf("/staff/users?done=added: %q", p.text("#staff-users-done"))
	}
	if p := s.as(t, admin, "GET", "/staff/programs?activated=evil@9.9", nil); p.doc.Find("#activated").Length() != 0 {
		t.Errorf("/staff/programs confirms a version that is not active: %q", p.text("#activated"))
	}
}
