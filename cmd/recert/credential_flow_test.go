package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/spf13/cobra"

	"github.com/recert/recert/app"
)

// flowSite is a real `recert serve` in this process with its own public
// URL (its did:web) and a clock the test moves.
type flowSite struct {
	url, base, token string
	clock            *movableClock
	dir              string
}

func startFlowSite(t testing.TB) *flowSite {
	t.Helper()
	dir := t.TempDir()
	port := freePort(t)
	s := &flowSite{base: "http://localhost:" + port, clock: &movableClock{at: time.Now().UTC()}, dir: dir}
	ctx, cancel := context.WithCancel(context.Background())
	out, errs := &lockedBuffer{}, &lockedBuffer{}
	cmd := &cobra.Command{}
	cmd.SetOut(out)
	cmd.SetErr(errs)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, cmd, serveConfig{addr: "127.0.0.1:" + port, publicURL: s.base, db: filepath.Join(dir, "recert.db"),
			token: true, idemTTL: app.DefaultIdempotencyTTL, clock: s.clock.Now,
			worker: workerFlags{workers: 2, sweepEvery: time.Hour, poll: 20 * time.Millisecond}})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v\n%s", err, errs.String())
		}
	})
	tok := regexp.MustCompile(`admin token \(shown once; keep it\): (\S+)`)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if m := tok.FindStringSubmatch(out.String()); m != nil && strings.Contains(out.String(), "is serving") {
			s.token, s.url = m[1], s.base
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s\n%s", out.String(), errs.String())
		}
	}
}

// credentials polls until the candidate holds n credentials (the worker
// issues them), and returns them oldest first.
func (s *flowSite) credentials(t testing.TB, cand string, n int) []flowCredential {
	t.Helper()
	var got struct {
		Items []flowCredential `json:"items"`
	}
	for deadline := time.Now().Add(30 * time.Second); len(got.Items) < n; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s holds %d credentials after 30 s, want %d", cand, len(got.Items), n)
		}
		call(t, "GET", s.url+"/v1/candidates/"+cand+"/credentials", s.token, "", &got)
	}
	return got.Items
}

type flowCredential struct {
	ID          string          `json:"id"`
	AwardedDate time.Time       `json:"awarded_date"`
	ValidFrom   time.Time       `json:"valid_from"`
	Supersedes  *string         `json:"supersedes"`
	Document    json.RawMessage `json:"document"`
	JWT         string          `json:"jwt"`
}

// verified is what the JSON API answers.
type verified struct {
	State        string  `json:"state"`
	Form         string  `json:"form"`
	Reason       *string `json:"reason"`
	SupersededBy *string `json:"superseded_by"`
	AwardedDate  *time.Time
	History      []struct {
		ID string `json:"id"`
	} `json:"history"`
}

// api verifies one credential through POST /v1/verify, with no token.
func (s *flowSite) api(t *testing.T, body []byte, mediaType string) verified {
	t.Helper()
	res, err := http.Post(s.url+"/v1/verify", mediaType, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var v verified
	if res.StatusCode != 200 || json.Unmarshal(b, &v) != nil {
		t.Fatalf("POST /v1/verify: %d %s", res.StatusCode, b)
	}
	return v
}

// page verifies one credential as a visitor does on /verify: the form
// (with the CSRF token a visitor gets), pasted, and the result page's
// heading and reason.
func (s *flowSite) page(t *testing.T, credential string) (heading, reason string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	res, err := client.Get(s.url + "/verify")
	if err != nil {
		t.Fatal(err)
	}
	form, err := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	csrf, _ := form.Find(`#verify-form input[name="csrf"]`).Attr("value")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf", csrf)
	_ = mw.WriteField("credential", credential)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", s.url+"/verify", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", s.url)
	res, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	d, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("POST /verify: %d %v", res.StatusCode, err)
	}
	if strings.Contains(d.Text(), "ada@example.com") {
		t.Error("the verification page shows the holder's e-mail")
	}
	return strings.TrimSpace(d.Find("#verify-state").Text()), strings.TrimSpace(d.Find("#verify-reason").Text())
}

// TestCredentialLifecycle is issue 8's "done when", end to end on a real
// server: a certification earned through the API yields a credential that
// verifies on the page, through the JSON API and with `recert verify`, in
// both securing forms; revoking it through the API flips all three at
// once (the status list is signed again when a bit changes, well within
// its ttl); renewing a certification issues a new credential whose
// awardedDate is the first grant's, and the first then reads superseded.
func TestCredentialLifecycle(t *testing.T) {
	s := startFlowSite(t)
	call(t, "POST", s.url+"/v1/candidates", s.token, `{"id":"ada","name":"Ada Lovelace","email":"ada@example.com","time_zone":"America/New_York"}`, nil)
	day := func(d int) string { return s.clock.Now().AddDate(0, 0, d).Format("2006-01-02") + "T15:00:00Z" }
	call(t, "POST", s.url+"/v1/results", s.token, `{"candidate":"ada","exam":"CLF-C02","on":"`+day(-1)+`","scaled_score":812}`, nil)
	c := s.credentials(t, "ada", 1)[0]
	jwtFile, docFile := filepath.Join(s.dir, "ada.jwt"), filepath.Join(s.dir, "ada.json")
	if err := os.WriteFile(jwtFile, []byte(c.JWT+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(docFile, c.Document, 0o600); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(s.dir, "cache")
	check := func(when, heading, state string, exit int) {
		t.Helper()
		for _, f := range []struct {
			form, media string
			body        []byte
		}{{"vc+jwt", "application/vc+jwt", []byte(c.JWT)}, {"data-integrity", "application/vc", c.Document}} {
			if h, reason := s.page(t, string(f.body)); h != heading || (state == "revoked") != strings.Contains(reason, "results invalidated") {
				t.Errorf("%s, %s on the page: %q, reason %q; want %q", when, f.form, h, reason, heading)
			}
			if v := s.api(t, f.body, f.media); v.State != state || v.Form != f.form || (state == "revoked") != (v.Reason != nil && *v.Reason == "results invalidated") {
				t.Errorf("%s, %s through the API: %+v; want %s", when, f.form, v, state)
			}
		}
		out, err := run(t, "", "verify", "--cache", cache, "--fetch", jwtFile, docFile)
		if code := exitCode(t, err); code != exit || strings.Count(out, ": "+state+"\n") != 2 {
			t.Errorf("%s, recert verify --fetch: exit %d; want %d and both %s\n%s", when, code, exit, state, out)
		}
	}
	check("issued", "Active", "active", 0)

	call(t, "POST", s.url+"/v1/credentials/"+c.ID+"/revoke", s.token, `{"reason":"results invalidated"}`, nil)
	check("revoked", "Revoked", "revoked", 1)
	res, err := http.Get(s.url + "/status/revocation")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=") {
		t.Errorf("the revocation list's Cache-Control %q gives no lifetime", cc)
	}

	// Renewal: Grace passes Cloud Practitioner, and again two and a half
	// years later (V2: the latest version renews it while active).
	call(t, "POST", s.url+"/v1/candidates", s.token, `{"id":"grace","name":"Grace Hopper","email":"grace@example.com","time_zone":"Europe/London"}`, nil)
	call(t, "POST", s.url+"/v1/results", s.token, `{"candidate":"grace","exam":"CLF-C02","on":"`+day(-1)+`","scaled_score":790}`, nil)
	first := s.credentials(t, "grace", 1)[0]
	s.clock.add(30 * 30 * 24 * time.Hour) // about two and a half years
	call(t, "POST", s.url+"/v1/results", s.token, `{"candidate":"grace","exam":"CLF-C02","on":"`+day(-1)+`","scaled_score":850}`, nil)
	both := s.credentials(t, "grace", 2)
	var renewed flowCredential
	for _, x := range both {
		if x.ID != first.ID {
			renewed = x
		}
	}
	if !renewed.AwardedDate.Equal(first.AwardedDate) || !renewed.ValidFrom.After(first.ValidFrom) {
		t.Errorf("the renewal's awardedDate %s (valid from %s); want the first grant's %s", renewed.AwardedDate, renewed.ValidFrom, first.AwardedDate)
	}
	if renewed.Supersedes == nil || *renewed.Supersedes != first.ID {
		t.Errorf("the renewal supersedes %v, want %s", renewed.Supersedes, first.ID)
	}
	var doc struct {
		AwardedDate string `json:"awardedDate"`
	}
	if err := json.Unmarshal(renewed.Document, &doc); err != nil || !strings.HasPrefix(doc.AwardedDate, first.AwardedDate.Format("2006-01-02")) {
		t.Errorf("the renewed credential's signed awardedDate %q; want the first grant's %s", doc.AwardedDate, first.AwardedDate)
	}
	if v := s.api(t, []byte(renewed.JWT), "application/vc+jwt"); v.State != "active" || len(v.History) != 2 {
		t.Errorf("the renewed credential: %+v; want active with a history of two", v)
	}
	if v := s.api(t, []byte(first.JWT), "application/vc+jwt"); v.State != "superseded" || v.SupersededBy == nil || *v.SupersededBy != renewed.ID {
		t.Errorf("the first credential after the renewal: %+v; want superseded by %s", v, renewed.ID)
	}
	if h, _ := s.page(t, first.JWT); h != "Superseded by a renewal" {
		t.Errorf("the first credential's page after the renewal: %q", h)
	}
}
