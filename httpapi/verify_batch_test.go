package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestVerifyBatch: a batch answers one verification per credential, in
// order, each as POST /v1/verify would (both forms, a tampered one
// invalid on its signature); a bad entry is 400 naming it; more than the
// bound is refused; only JSON is read.
func TestVerifyBatch(t *testing.T) {
	w := newVerifyWorld(t)
	ada := w.earn(t, "ada", "Ada Lovelace", "ada@example.com")
	bob := w.earn(t, "bob", "Bob Babbage", "bob@example.com")
	parts := strings.Split(ada.JWT, ".")
	parts[2] = strings.Repeat("A", len(parts[2]))
	tampered := strings.Join(parts, ".")
	res := w.do(req{Method: "POST", Path: "/v1/verify/batch",
		Body: `{"credentials": ["` + ada.JWT + `", ` + string(bob.Document) + `, "` + tampered + `"]}`})
	items, _ := res.JSON(t)["items"].([]any)
	if res.Status != 200 || len(items) != 3 {
		t.Fatalf("batch: %d %s", res.Status, res.Body)
	}
	want := []struct{ state, holder, form, failed string }{
		{"active", "Ada Lovelace", "vc+jwt", ""}, {"active", "Bob Babbage", "data-integrity", ""}, {"invalid", "", "vc+jwt", "signature"}}
	for i, wt := range want {
		m := items[i].(map[string]any)
		holder, _ := m["holder"].(string)
		failed, _ := m["failed_check"].(string)
		if m["state"] != wt.state || holder != wt.holder || m["form"] != wt.form || failed != wt.failed {
			t.Errorf("item %d: %v; want %+v", i, m, wt)
		}
	}
	if strings.Contains(string(res.Body), "@example.com") {
		t.Error("the batch's answer shows a holder's e-mail")
	}
	for _, c := range []struct {
		body, ct, want string
		status         int
	}{
		{`{"credentials": ["` + ada.JWT + `", 7]}`, "", "credentials[1]", 400},
		{`{}`, "", "credentials", 400},
		{`{"credentials": [], "credentials": ["a.b.c"]}`, "", "duplicate", 400},
		{`{"credentials": [], "extra": 1}`, "", "unknown", 400},
		{`{"credentials": [`, "", "not a batch", 400},
		{`{"credentials": [` + strings.Repeat(`"a.b.c",`, maxBatchCredentials) + `"a.b.c"]}`, "", "at most 1000", 400},
		{ada.JWT, "application/vc+jwt", "", 415},
	} {
		q := req{Method: "POST", Path: "/v1/verify/batch", Body: c.body}
		if c.ct != "" {
			q.Header = map[string]string{"Content-Type": c.ct}
		}
		res := w.do(q)
		if res.Status != c.status || !strings.Contains(string(res.Body), c.want) {
			t.Errorf("%.60s: %d %s; want %d naming %q", c.body, res.Status, res.Body, c.status, c.want)
		}
	}
}

// FuzzVerifyBatch: whatever the body, POST /v1/verify/batch answers 200
// or a 4xx, never a 5xx or a panic.
func FuzzVerifyBatch(f *testing.F) {
	w := newVerifyWorld(f)
	ada := w.earn(f, "ada", "Ada Lovelace", "ada@example.com")
	for _, s := range []string{`{"credentials":["` + ada.JWT + `"]}`, `{"credentials":[` + string(ada.Document) + `]}`,
		`{"credentials":[1,null,[]]}`, `{"credentials":null}`, `{"credentials":["a.b.c"],"credentials":[]}`, `[`, `{"credentials":["\u0000"]}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("POST", "/v1/verify/batch", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		w.server.ServeHTTP(rec, r)
		if rec.Code >= 500 || rec.Code != http.StatusOK && rec.Code < 400 {
			t.Fatalf("%q: %d %s", body, rec.Code, rec.Body)
		}
	})
}
