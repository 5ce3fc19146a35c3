package httpapi

import (
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update once)", err, t.Name())
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from what was answered:\n%s", path, got)
	}
}

func csvReq(body string) req {
	return req{Method: "POST", Path: "/v1/verify/roster", Body: body, Header: map[string]string{"Content-Type": "text/csv"}}
}

// TestVerifyRoster: a roster of ids, URLs and a whole VC-JWT, matched by
// name or e-mail (the e-mail without case, never echoed from the ledger),
// with rows that cannot be verified answered in place; the answer is the
// golden CSV.
func TestVerifyRoster(t *testing.T) {
	w := newVerifyWorld(t)
	ada := w.earn(t, "ada", "Ada Lovelace", "ada@example.com")
	bob := w.earn(t, "bob", "Bob Babbage", "bob@example.com")
	w.setStatus(t, bob, ledger.CredentialSuspended, "under review")
	roster := strings.Join([]string{
		"name,email,credential",
		"Ada Lovelace,," + ada.ID,
		"  ada   LOVELACE ,ADA@Example.com," + w.keys.CredentialURL(ada.ID),
		"Charles Babbage,," + bob.ID,
		",bob@example.com," + bob.JWT,
		`"=HYPERLINK(""x"")",,cred_9999`,
		"Nobody,,",
		"Eve,,https://elsewhere.example/credentials/" + ada.ID,
		"Eve,,a.b.c",
	}, "\r\n") + "\r\n"
	res := w.do(csvReq(roster))
	if res.Status != 200 || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("%d %s %s", res.Status, res.Header.Get("Content-Type"), res.Body)
	}
	if strings.Contains(string(res.Body), "ada@example.com") {
		t.Errorf("the holder's e-mail as the ledger has it is in the answer (the roster gave ADA@Example.com):\n%s", res.Body)
	}
	golden(t, "verify-roster.csv", res.Body)
}

// TestVerifyRosterBounds: more rows or bytes than allowed is 413 naming
// the bound; a CSV that cannot be read is 400 naming its line; a header
// without the columns is 400; only text/csv is read.
func TestVerifyRosterBounds(t *testing.T) {
	w := newVerifyWorld(t)
	long := "name,credential\n" + strings.Repeat("Ada,cred_1\n", app.MaxRosterRows+1)
	cases := []struct {
		q    req
		want int
		says string
	}{
		{csvReq(long), 413, "at most 1000 rows"},
		{csvReq("name,credential\n" + strings.Repeat("x", maxRosterBody)), 413, "1048576 bytes"},
		{csvReq("name,credential\nAda,cred_1\nBob,\"cred_2\n"), 400, "line 3"},
		{csvReq("name,credential\nAda,cred_1\nB\"ob,cred_2\n"), 400, "line 3"},
		{csvReq("who,what\nAda,cred_1\n"), 400, "line 1"},
		{csvReq(""), 400, "empty"},
		{req{Method: "POST", Path: "/v1/verify/roster", Body: "name,credential\n", Header: map[string]string{"Content-Type": "application/json"}}, 415, "text/csv"},
	}
	for _, c := range cases {
		res := w.do(c.q)
		if res.Status != c.want || !strings.Contains(string(res.Body), c.says) {
			t.Errorf("%.40q: %d %.300s; want %d saying %q", c.q.Body, res.Status, res.Body, c.want, c.says)
		}
	}
	if res := w.do(csvReq("name,credential\n" + strings.Repeat("Ada,cred_1\n", app.MaxRosterRows))); res.Status != 200 ||
		strings.Count(string(res.Body), "\n") != app.MaxRosterRows+1 {
		t.Errorf("a roster of exactly %d rows: %d, %d lines", app.MaxRosterRows, res.Status, strings.Count(string(res.Body), "\n"))
	}
}

// FuzzVerifyRoster: no roster makes the server fail or panic: it is a CSV
// answer or a 4xx.
func FuzzVerifyRoster(f *testing.F) {
	w := newVerifyWorld(f)
	ada := w.earn(f, "ada", "Ada Lovelace", "ada@example.com")
	for _, s := range []string{"name,credential\nAda," + ada.ID + "\n", "email,credential\n\"a,b\",x\n", "credential\n", "\ufeffname,credential\n,\n",
		"name,credential\n\"", "name,email,credential\nAda,ada@example.com," + ada.JWT + "\n", "a\x00,b\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, roster string) {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("POST", "/v1/verify/roster", strings.NewReader(roster))
		r.Header.Set("Content-Type", "text/csv")
		w.server.ServeHTTP(rec, r)
		if rec.Code >= 500 || rec.Code != http.StatusOK && rec.Code < 400 {
			t.Fatalf("%q: %d %s", roster, rec.Code, rec.Body)
		}
	})
}

// FuzzVerifyBody: no body, under any of the accepted media types, makes
// POST /v1/verify fail or panic.
func FuzzVerifyBody(f *testing.F) {
	w := newVerifyWorld(f)
	ada := w.earn(f, "ada", "Ada Lovelace", "ada@example.com")
	types := []string{"application/json", "application/vc+jwt", "text/plain", "application/vc", "application/ld+json", ""}
	for i, s := range []string{ada.JWT, string(ada.Document), `{"credential":"` + ada.JWT + `"}`, `{"id":"` + ada.ID + `"}`,
		`{"url":"https://recert.example.org/credentials/x/y"}`, `{"credential":{"@context":1}}`, `{"@context":[],"proof":{}}`, "a.b.c", "{", "null"} {
		f.Add(s, uint8(i))
	}
	f.Fuzz(func(t *testing.T, body string, kind uint8) {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("POST", "/v1/verify", strings.NewReader(body))
		if ct := types[int(kind)%len(types)]; ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		w.server.ServeHTTP(rec, r)
		if rec.Code >= 500 || rec.Code != http.StatusOK && rec.Code < 400 {
			t.Fatalf("%q as %q: %d %s", body, types[int(kind)%len(types)], rec.Code, rec.Body)
		}
	})
}
