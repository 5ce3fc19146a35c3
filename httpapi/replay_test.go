package httpapi

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/recert/recert/ledger"
)

// TestEveryPostReplays sends every POST route of the API twice with one
// Idempotency-Key: the second answer is the first, byte for byte, marked
// Idempotent-Replayed, and the write happened once. A route without a
// case here fails the test, so a new POST cannot skip its replay. Each
// case also shows that the write is not done twice: cancelling again would
// be refused, a second booking would be a second appointment, a second
// result would be a duplicate sitting.
func TestEveryPostReplays(t *testing.T) {
	w := newWorld(t, "", true)
	a := w.admin
	w.must(201, req{Method: "POST", Path: "/v1/centers", Token: a, Body: map[string]any{"id": "tc1", "name": "Seattle", "seats": 10}})
	for _, id := range []string{"c1", "c2", "c3", "c4"} {
		w.must(201, req{Method: "POST", Path: "/v1/candidates", Token: a, Body: map[string]any{"id": id, "name": "Ada " + id}})
	}
	slot := func(d time.Duration) string { return t0.Add(d).Format(time.RFC3339) }
	bookFor := func(c, exam string, d time.Duration) string {
		m := w.must(201, req{Method: "POST", Path: "/v1/appointments", Token: a,
			Body: map[string]any{"candidate": c, "exam": exam, "center": "tc1", "slot": slot(d)}})
		return m["id"].(string)
	}
	toCancel := bookFor("c2", "AIF-C01", 72*time.Hour)
	toMove := bookFor("c2", "CLF-C02", 96*time.Hour)
	toMiss := bookFor("c3", "AIF-C01", 2*time.Hour)
	toSit := bookFor("c3", "CLF-C02", 3*time.Hour)
	w.advance(4 * time.Hour)
	w.must(200, req{Method: "POST", Path: "/v1/appointments/" + toMiss + "/no-show", Token: a})
	toRefund := toMiss
	missed := bookFor("c4", "AIF-C01", 5*time.Hour)
	w.advance(2 * time.Hour)
	hook := w.must(201, req{Method: "POST", Path: "/v1/webhooks", Token: a, Body: map[string]any{"url": "https://hooks.example.com/recert"}})["id"].(string)
	seedCredential(t, w, "cred_r", "c1", "ai-practitioner", ledger.CredentialActive, 1)
	seedCredential(t, w, "cred_s", "c1", "ai-practitioner", ledger.CredentialActive, 2)
	seedCredential(t, w, "cred_u", "c1", "ai-practitioner", ledger.CredentialSuspended, 3)
	definition, err := os.ReadFile("../programs/microsoft.yaml")
	if err != nil {
		t.Fatal(err)
	}

	cases := map[string]req{
		"/v1/programs": {Body: definition, Header: map[string]string{"Content-Type": "application/yaml"}},
		"/v1/programs/{id}/versions/{version}/activate": {Path: "/v1/programs/microsoft/versions/2026.11.1/activate"},
		"/v1/candidates":                                   {Body: map[string]any{"id": "c9", "name": "Grace Hopper"}},
		"/v1/candidates/{id}/decide":                       {Path: "/v1/candidates/c1/decide", Body: map[string]any{"ask": map[string]any{"action": "book", "exam": "AIF-C01", "slot": slot(240 * time.Hour)}}},
		"/v1/candidates/{id}/certifications/{cert}/revoke": {Path: "/v1/candidates/c3/certifications/cloud-practitioner/revoke", Body: map[string]any{"reason": "a proxy sat the exam"}},
		"/v1/centers":                                      {Body: map[string]any{"id": "tc9", "name": "Austin", "seats": 4}},
		"/v1/appointments":                                 {Body: map[string]any{"candidate": "c1", "exam": "AIF-C01", "center": "tc1", "slot": slot(480 * time.Hour)}},
		"/v1/appointments/{id}/cancel":                     {Path: "/v1/appointments/" + toCancel + "/cancel"},
		"/v1/appointments/{id}/reschedule":                 {Path: "/v1/appointments/" + toMove + "/reschedule", Body: map[string]any{"slot": slot(300 * time.Hour)}},
		"/v1/appointments/{id}/no-show":                    {Path: "/v1/appointments/" + missed + "/no-show"},
		"/v1/appointments/{id}/medical-refund":             {Path: "/v1/appointments/" + toRefund + "/medical-refund", Body: map[string]any{"note": "hospital letter"}},
		"/v1/results":                                      {Body: map[string]any{"appointment": toSit, "scaled_score": 800}},
		"/v1/tokens":                                       {Body: map[string]any{"role": "staff", "name": "desk"}},
		"/v1/webhooks":                                     {Body: map[string]any{"url": "https://hooks.example.com/other", "kinds": []string{"sitting"}}},
		"/v1/webhooks/{id}/rotate-secret":                  {Path: "/v1/webhooks/" + hook + "/rotate-secret"},
		"/v1/candidates/{id}/calendar":                     {Path: "/v1/candidates/c1/calendar"},
		// A second revoke, suspend or reinstate would be refused (409).
		"/v1/credentials/{id}/revoke":    {Path: "/v1/credentials/cred_r/revoke", Body: map[string]any{"reason": "issued in error"}},
		"/v1/credentials/{id}/suspend":   {Path: "/v1/credentials/cred_s/suspend", Body: map[string]any{"reason": "under investigation"}},
		"/v1/credentials/{id}/reinstate": {Path: "/v1/credentials/cred_u/reinstate", Body: map[string]any{"reason": "cleared"}},
	}
	// The revoke needs the certification the result above earns: run the
	// cases in an order where it exists.
	order := []string{"/v1/results", "/v1/candidates/{id}/certifications/{cert}/revoke"}
	seen := map[string]bool{}
	for _, rt := range routes {
		if rt.method != "POST" || readOnlyPosts[rt.path] {
			continue // a read-only POST is answered afresh: TestVerifyAPI
		}
		if _, ok := cases[rt.path]; !ok {
			t.Errorf("POST %s has no replay case", rt.path)
			continue
		}
		if rt.path != order[0] && rt.path != order[1] {
			order = append(order, rt.path)
		}
	}
	for i, path := range order {
		q := cases[path]
		q.Method, q.Token = "POST", a
		if q.Path == "" {
			q.Path = path
		}
		if q.Header == nil {
			q.Header = map[string]string{}
		}
		q.Header["Idempotency-Key"] = fmt.Sprintf("replay-%d", i)
		first := w.do(q)
		if first.Status >= 300 {
			t.Errorf("POST %s: first call %d %s", path, first.Status, first.Body)
			continue
		}
		second := w.do(q)
		want := first.Body
		switch path {
		case "/v1/tokens": // a token's secret is shown once and never stored, so not replayed
			want = []byte(strings.Replace(string(want), first.JSON(t)["secret"].(string), "", 1))
		case "/v1/webhooks", "/v1/webhooks/{id}/rotate-secret": // nor is an endpoint's (the member is left out)
			want = []byte(strings.Replace(string(want), `,"secret":"`+first.JSON(t)["secret"].(string)+`"`, "", 1))
		case "/v1/candidates/{id}/calendar": // nor a feed's URL, which holds its secret
			want = []byte(strings.Replace(string(want), `"url":"`+first.JSON(t)["url"].(string)+`",`, "", 1))
		}
		if second.Header.Get("Idempotent-Replayed") != "true" || second.Status != first.Status || string(second.Body) != string(want) {
			t.Errorf("POST %s: the retry answered %d %s (replayed %q), the first %d %s",
				path, second.Status, second.Body, second.Header.Get("Idempotent-Replayed"), first.Status, first.Body)
		}
		seen[path] = true
	}
	if len(seen) != len(cases) {
		t.Errorf("%d of %d cases replayed", len(seen), len(cases))
	}
	// A refusal is an answer too: the same refused booking with its key is
	// replayed, not decided again.
	q := req{Method: "POST", Path: "/v1/appointments", Token: a, Header: map[string]string{"Idempotency-Key": "refused"},
		Body: map[string]any{"candidate": "c3", "exam": "CLF-C02", "center": "tc1", "slot": slot(48 * time.Hour)}}
	first := w.do(q)
	second := w.do(q)
	if first.Status != http.StatusUnprocessableEntity || second.Header.Get("Idempotent-Replayed") != "true" || string(first.Body) != string(second.Body) {
		t.Errorf("a refused booking: %d %s, then %d %s (replayed %q); want the refusal replayed",
			first.Status, first.Body, second.Status, second.Body, second.Header.Get("Idempotent-Replayed"))
	}
}
