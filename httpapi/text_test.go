package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger/sqlite"
)

// TestTextRefused: duplicate member names (at any depth), invalid UTF-8
// and control characters are 400 naming the field, and nothing is stored.
// Checked: without app.CheckJSONText in decodeJSON every JSON case but the
// lone surrogate is stored (201); without checkDocumentText the NUL in a
// definition is stored; without checkParams the path and query cases
// reach the store.
func TestTextRefused(t *testing.T) {
	textRefused(t, newWorld(t, "", true))
}

// textRefused is TestTextRefused on a world over any store.
func textRefused(t *testing.T, w *world) {
	seed(w)
	cand := func(name string) string {
		return `{"id":"c2","name":` + name + `,"email":"c2@example.com","time_zone":"Europe/Berlin"}`
	}
	for _, c := range []struct {
		name, path, body, field, detail string
	}{
		{"duplicate name", "/v1/candidates", `{"id":"c2","name":"A","name":"B","time_zone":"UTC"}`, "name", "appears twice"},
		{"duplicate id", "/v1/candidates", `{"id":"c2","name":"A","id":"c3","time_zone":"UTC"}`, "id", "appears twice"},
		{"nested duplicate", "/v1/results", `{"candidate":"c1","exam":"CLF-C02","on":"2026-11-30T10:00:00Z","scaled_score":800,"domains":[{"domain":"a","meets":true,"meets":false}]}`, "domains[0].meets", "appears twice"},
		{"invalid UTF-8", "/v1/candidates", cand("\"Ad\xffa\""), "name", "not valid UTF-8"},
		{"invalid UTF-8 in a name", "/v1/candidates", "{\"n\xc3\":1}", "", "not valid UTF-8"},
		{"lone surrogate", "/v1/candidates", cand(`"Ada\ud800"`), "name", "not valid UTF-8"},
		{"NUL", "/v1/candidates", cand(`"Ada\u0000"`), "name", "U+0000"},
		{"escape", "/v1/candidates", cand(`"Ada\u001b[31m"`), "name", "U+001B"},
		{"newline", "/v1/candidates", cand(`"Ada\nLovelace"`), "name", "U+000A"},
		{"C1 control", "/v1/candidates", cand(`"Ada\u0085"`), "name", "U+0085"},
		{"DEL", "/v1/candidates", cand(`"Ada\u007f"`), "name", "U+007F"},
		{"control in a member name", "/v1/candidates", `{"na\u0000me":"Ada"}`, `na\x00me`, "the member name"},
		{"control in an array", "/v1/results", `{"candidate":"c1","exam":"CLF-C02","on":"2026-11-30T10:00:00Z","scaled_score":800,"domains":[{"domain":"ok","meets":true},{"domain":"b\u0000","meets":true}]}`, "domains[1].domain", "U+0000"},
		{"NUL in a token name", "/v1/tokens", `{"role":"staff","name":"x\u0000"}`, "name", "U+0000"},
	} {
		r := w.do(req{Method: "POST", Path: c.path, Token: w.admin, Body: c.body})
		if r.Status != 400 {
			t.Errorf("%s: %d %s, want 400", c.name, r.Status, r.Body)
			continue
		}
		p := r.JSON(t)
		if p["field"] != nil && p["field"] != c.field || p["field"] == nil && c.field != "" {
			t.Errorf("%s: field %q, want %q", c.name, p["field"], c.field)
		}
		if !strings.Contains(p["detail"].(string), c.detail) {
			t.Errorf("%s: detail %q does not say %q", c.name, p["detail"], c.detail)
		}
	}
	list := w.must(200, req{Method: "GET", Path: "/v1/candidates", Token: w.admin})
	for _, it := range list["items"].([]any) {
		if id := it.(map[string]any)["id"]; id != "c1" {
			t.Errorf("candidate %v was stored from a refused body", id)
		}
	}
	st := w.must(200, req{Method: "GET", Path: "/v1/candidates/c1/standing", Token: w.admin})
	if n := len(st["results"].([]any)); n != 0 {
		t.Errorf("%d results stored from refused bodies", n)
	}

	// Path and query values, and the Idempotency-Key header.
	for _, c := range []struct{ name, path, field string }{
		{"NUL in a path id", "/v1/candidates/ad%00a", "id"},
		{"invalid UTF-8 in a path id", "/v1/centers/%ff", "id"},
		{"control in a query value", "/v1/appointments?candidate=%1b", "candidate"},
		{"invalid UTF-8 in a query value", "/v1/appointments?center=%c3", "center"},
	} {
		r := w.do(req{Method: "GET", Path: c.path, Token: w.admin})
		if r.Status != 400 || r.JSON(t)["field"] != c.field {
			t.Errorf("%s: %d %s, want 400 naming %s", c.name, r.Status, r.Body, c.field)
		}
	}
	r := w.do(req{Method: "POST", Path: "/v1/candidates", Token: w.admin, Body: cand(`"Ada"`),
		Header: map[string]string{"Idempotency-Key": "k\xff"}})
	if r.Status != 400 || r.JSON(t)["field"] != "Idempotency-Key" {
		t.Errorf("an Idempotency-Key of invalid UTF-8: %d %s", r.Status, r.Body)
	}
}

// TestDefinitionText: a program definition is text with lines: tabs and
// CRLF pass the text check, NUL and invalid UTF-8 are refused by line
// and column.
func TestDefinitionText(t *testing.T) {
	w := newWorld(t, "", true)
	src, err := os.ReadFile("../programs/google-cloud.yaml")
	if err != nil {
		t.Fatal(err)
	}
	upload := func(body []byte) *resp {
		return w.do(req{Method: "POST", Path: "/v1/programs", Token: w.admin, Body: body,
			Header: map[string]string{"Content-Type": "application/yaml"}})
	}
	for _, c := range []struct {
		name string
		body []byte
		want string
	}{
		{"NUL", append(append([]byte{}, src...), []byte("# a\x00b\n")...), "column 4: the control character U+0000"},
		{"invalid UTF-8", append([]byte("# \xff\n"), src...), "line 1, column 3: not valid UTF-8"},
		{"escape", append([]byte("id: x\n# \x1b[2J\n"), src...), "line 2, column 3: the control character U+001B"},
	} {
		r := upload(c.body)
		if r.Status != 400 || r.JSON(t)["field"] != "definition" || !strings.Contains(r.JSON(t)["detail"].(string), c.want) {
			t.Errorf("%s: %d %s, want 400 saying %q", c.name, r.Status, r.Body, c.want)
		}
	}
	crlf := bytes.ReplaceAll(src, []byte("\n"), []byte("\r\n"))
	crlf = append(crlf, []byte("# a comment\twith a tab\r\n")...)
	if r := upload(crlf); r.Status != 201 {
		t.Errorf("a definition with CRLF and a tab: %d %s", r.Status, r.Body)
	}
}

func TestFieldOf(t *testing.T) {
	for in, want := range map[string]string{"": "", "/name": "name", "/domains/0/domain": "domains[0].domain",
		"/a~1b/c~0d": "a/b.c~d", "/0": "0"} {
		if got := app.FieldOf(in); got != want {
			t.Errorf("app.FieldOf(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzDecodeJSON: whatever the body, the decoder neither panics nor
// returns anything but a 400 problem; a body it accepts is valid UTF-8
// JSON without control characters in its strings.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"candidate":"c1","exam":"CLF-C02","on":"2026-11-30T10:00:00Z","scaled_score":800,"domains":[{"domain":"a","meets":true}]}`,
		`{"a":1,"a":2}`, "{\"name\":\"\xff\"}", `{"name":"\u0000"}`, `{"name":"\ud800"}`, `{"domains":[{"domain":"x","domain":"y"}]}`,
		`[1,2]`, `{"scaled_score":"x"}`, `{"x":`, `{} {}`, `{"on":null}`, `{"\u0000":1}`, `{"domains":{"a":{"a":1,"a":1}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var in resultIn
		err := decodeJSON(body, &in, true)
		if err == nil {
			if len(bytes.TrimSpace(body)) > 0 && (!utf8.Valid(body) || !json.Valid(body)) {
				t.Fatalf("accepted %q, which is not valid UTF-8 JSON", body)
			}
			for _, s := range append([]string{in.Candidate, in.Exam, in.On, in.Appointment, in.Form}, domainNames(in.Domains)...) {
				if app.ControlAt(s, false) >= 0 {
					t.Fatalf("accepted %q with a control character in %q", body, s)
				}
			}
			return
		}
		var e *app.Error
		if !errors.As(err, &e) || statusOf(e.Code) != 400 {
			t.Fatalf("%q: %v is not a 400 problem", body, err)
		}
	})
}

func domainNames(ds []domainJSON) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Domain)
	}
	return out
}

// FuzzRequestBodies sends fuzzed bodies to every POST and PATCH route of
// a real server over SQLite: none may answer 5xx.
func FuzzRequestBodies(f *testing.F) {
	for _, s := range []string{
		`{"id":"c1","name":"A","email":"a@example.com","time_zone":"UTC"}`, `{"role":"staff"}`,
		`{"candidate":"ada","exam":"SAA-C03","center":"seattle","slot":"2026-12-20T15:00:00Z"}`,
		`{"ask":{"action":"book","exam":"SAA-C03","slot":"2026-12-20T15:00:00Z"}}`, `{"name":"x","seats":3}`,
		"{\"name\":\"\x00\"}", `{"a":1,"a":1}`, `{"id":"\u0000"}`, `{"reason":"\ud83d\ude00"}`, `null`, `{"id":"` + strings.Repeat("x", 300) + `"}`,
	} {
		f.Add([]byte(s), uint8(0))
	}
	store, err := sqlite.Open(context.Background(), filepath.Join(f.TempDir(), "recert.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = store.Close() })
	c := &clock{now: t0}
	a := app.New(store, app.WithClock(c.Now))
	admin, err := a.BootstrapAdmin(context.Background())
	if err != nil {
		f.Fatal(err)
	}
	h := New(a, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	f.Fuzz(func(t *testing.T, body []byte, which uint8) {
		var writes []route
		for _, rt := range routes {
			if rt.method == "POST" || rt.method == "PATCH" {
				writes = append(writes, rt)
			}
		}
		rt := writes[int(which)%len(writes)]
		path := strings.NewReplacer("{id}", "ada", "{cert}", "cloud-practitioner", "{version}", "1").Replace(rt.path)
		if strings.HasPrefix(path, "/v1/centers/") || strings.HasPrefix(path, "/v1/appointments/") {
			path = strings.Replace(path, "ada", "seattle", 1)
		}
		r := httptest.NewRequest(rt.method, path, bytes.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+admin)
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("If-Match", `"1"`)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", rt.method, path, body, rec.Code, rec.Body)
		}
		if rec.Code == http.StatusBadRequest && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %s %q: the problem is not JSON: %s", rt.method, path, body, rec.Body)
		}
	})
}
