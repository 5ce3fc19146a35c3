package httpapi

import (
	"context"
	"testing"

	"github.com/recert/recert/ledger"
)

// seedCredential stores a credential of a candidate's certification as
// the issuance job would have, with status: issuing and signing are the
// credential package's and its tests'; these routes read and change what
// is stored.
func seedCredential(t *testing.T, w *world, id, candidate, certification, status string, revIndex int) {
	t.Helper()
	now := w.clock.Now()
	c := ledger.IssuedCredential{ID: id, Candidate: candidate, Certification: certification, IssuedAt: now, AwardedDate: now,
		ValidFrom: now, RevocationIndex: revIndex, SuspensionIndex: revIndex, Document: []byte(`{"id":"urn:uuid:` + id + `"}`),
		JWT: "eyJhbGciOiJFZERTQSJ9.e30.c2ln-" + id, Status: ledger.CredentialActive, ChangedAt: now}
	err := w.store.Update(context.Background(), func(tx ledger.Tx) error {
		if err := tx.CreateCredential(context.Background(), c); err != nil {
			return err
		}
		if status == ledger.CredentialActive {
			return nil
		}
		c.Rev, c.Status, c.Reason = 1, status, "seeded "+status
		_, err := tx.SetCredentialStatus(context.Background(), c)
		return err
	})
	if err != nil {
		t.Fatalf("seed credential %s: %v", id, err)
	}
}

// TestCredentialRoutes: a credential read by id with its version as the
// ETag, its VC-JWT as a named file; suspended, reinstated and revoked by
// staff with a reason, each answer the credential as it now is; a change
// that cannot be made is 409, one without a reason 400, an unknown id 404.
func TestCredentialRoutes(t *testing.T) {
	w := newWorld(t, "", true)
	w.must(201, req{Method: "POST", Path: "/v1/candidates", Token: w.admin, Body: map[string]any{"id": "c1", "name": "Ada"}})
	seedCredential(t, w, "cred_1", "c1", "cloud-practitioner", ledger.CredentialActive, 7)
	holder := w.token("candidate", "c1")

	got := w.do(req{Method: "GET", Path: "/v1/credentials/cred_1", Token: holder})
	if got.Status != 200 || got.Header.Get("ETag") != `"1"` || got.JSON(t)["status"] != "active" || got.JSON(t)["jwt"] != "eyJhbGciOiJFZERTQSJ9.e30.c2ln-cred_1" {
		t.Fatalf("GET: %d %v %s", got.Status, got.Header, got.Body)
	}
	file := w.do(req{Method: "GET", Path: "/v1/credentials/cred_1/jwt", Token: holder})
	if file.Status != 200 || file.Header.Get("Content-Type") != "application/vc+jwt" ||
		file.Header.Get("Content-Disposition") != `attachment; filename="cloud-practitioner-cred_1.jwt"` || string(file.Body) != "eyJhbGciOiJFZERTQSJ9.e30.c2ln-cred_1" {
		t.Fatalf("GET jwt: %d %v %q", file.Status, file.Header, file.Body)
	}

	for _, step := range []struct {
		action, reason string
		status         int
		want           string
	}{
		{"suspend", "under investigation", 200, "suspended"},
		{"suspend", "again", 409, ""},
		{"reinstate", "cleared", 200, "active"},
		{"reinstate", "again", 409, ""},
		{"revoke", "", 400, ""},
		{"revoke", "issued in error", 200, "revoked"},
		{"reinstate", "undo", 409, ""},
	} {
		r := w.do(req{Method: "POST", Path: "/v1/credentials/cred_1/" + step.action, Token: w.admin, Body: map[string]any{"reason": step.reason}})
		if r.Status != step.status || step.want != "" && (r.JSON(t)["status"] != step.want || r.JSON(t)["reason"] != step.reason) {
			t.Fatalf("%s %q: %d %s; want %d %s", step.action, step.reason, r.Status, r.Body, step.status, step.want)
		}
	}
	if got := w.do(req{Method: "GET", Path: "/v1/credentials/cred_1", Token: w.admin}); got.Header.Get("ETag") != `"4"` || got.JSON(t)["reason"] != "issued in error" {
		t.Fatalf("after three changes: %v %s; want version 4, revoked with its reason", got.Header, got.Body)
	}
	hist := w.must(200, req{Method: "GET", Path: "/v1/candidates/c1/credentials", Token: holder})
	if items := hist["items"].([]any); len(items) != 1 || items[0].(map[string]any)["status"] != "revoked" {
		t.Fatalf("the list: %v", hist)
	}
	for _, path := range []string{"/v1/credentials/cred_nope", "/v1/credentials/cred_nope/jwt"} {
		if r := w.do(req{Method: "GET", Path: path, Token: w.admin}); r.Status != 404 {
			t.Errorf("GET %s: %d; want 404", path, r.Status)
		}
	}
	if r := w.do(req{Method: "POST", Path: "/v1/credentials/cred_nope/suspend", Token: w.admin, Body: map[string]any{"reason": "x"}}); r.Status != 404 {
		t.Errorf("suspend an unknown credential: %d; want 404", r.Status)
	}
	if r := w.do(req{Method: "POST", Path: "/v1/credentials/cred_1/suspend", Token: w.admin, Body: map[string]any{"reason": "x", "extra": 1}}); r.Status != 400 {
		t.Errorf("an unknown member: %d; want 400", r.Status)
	}
}
