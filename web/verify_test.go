package web_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/credential"
	"github.com/recert/recert/credential/keyring"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/sqlite"
	"github.com/recert/recert/web"
)

type heldJobs struct {
	mu   sync.Mutex
	jobs []app.Job
}

func (q *heldJobs) Enqueue(_ context.Context, _ ledger.Tx, jobs []app.Job) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.jobs = append(q.jobs, jobs...)
	return nil
}

// verifySite is the pages over an app that issues and verifies with real
// keys, and one credential it issued to Ada.
type verifySite struct {
	srv   *httptest.Server
	st    ledger.Store
	ada   ledger.IssuedCredential
	keys  *credential.Keys
	a     *app.App
	q     *heldJobs
	clock *time.Time
}

func newVerifySite(t *testing.T) *verifySite {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir()+"/web.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	master := make([]byte, keyring.MasterKeySize)
	_, _ = rand.Read(master)
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	ks, err := credential.OpenKeys(ctx, st, master, "https://recert.example.org", now)
	if err != nil {
		t.Fatal(err)
	}
	var a *app.App
	v := credential.NewVerifier(ks, func(p string) ([]byte, error) { b, _, err := a.StatusList(ctx, p); return b, err })
	clock := &now
	a = app.New(st, app.WithClock(func() time.Time { return *clock }), app.WithIssuer(ks), app.WithCredentials(ks), app.WithVerifier(v))
	q := &heldJobs{}
	a.UseQueue(q)
	if _, err := a.CreateCandidate(ctx, app.System, app.CandidateInput{ID: "ada", Name: "Ada Lovelace", Email: "ada@example.com", TimeZone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	score := 800
	if _, err := a.RecordResult(ctx, app.System, app.ResultInput{Candidate: "ada", Exam: "AIF-C01", On: now.Add(-time.Hour), Scaled: &score}); err != nil {
		t.Fatal(err)
	}
	for _, j := range q.jobs {
		if err := a.Work(ctx, j, 1, func(context.Context, ledger.Tx) error { return nil }); err != nil && j.Kind == app.JobCredential {
			t.Fatal(err)
		}
	}
	var got []ledger.IssuedCredential
	_ = st.View(ctx, func(tx ledger.Tx) (err error) {
		got, err = tx.ListCredentials(ctx, ledger.CredentialFilter{Candidate: "ada"}, ledger.Page{Limit: 5})
		return err
	})
	if len(got) != 1 {
		t.Fatalf("%d credentials issued", len(got))
	}
	srv := httptest.NewServer(web.AsVisitor(web.New(a, web.Options{})))
	t.Cleanup(srv.Close)
	return &verifySite{srv: srv, st: st, ada: got[0], keys: ks, a: a, q: q, clock: clock}
}

// postVerifyForm posts fields (and a file, when name is set) as a visitor: no
// session, the visitor's CSRF token (web.AsVisitor).
func postVerifyForm(t *testing.T, u string, fields map[string]string, file, name string, content []byte) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf", web.TestCSRF)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if file != "" {
		fw, _ := mw.CreateFormFile(file, name)
		_, _ = fw.Write(content)
	}
	_ = mw.Close()
	res, err := http.Post(u, mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func noEmail(t *testing.T, body string) {
	t.Helper()
	if strings.Contains(body, "ada@example.com") {
		t.Error("the page shows the holder's e-mail")
	}
}

// TestVerifyPage: the form has a label for each way in; a pasted VC-JWT
// and an uploaded JSON-LD credential are shown active with their holder,
// certification and each check passed in words; a changed byte says the
// signature check failed; a revocation shows with its reason; nothing
// sent is the form again with the error by its field. No sign-in, no
// CSRF token: a visitor has neither.
func TestVerifyPage(t *testing.T) {
	s := newVerifySite(t)
	res, body := get(t, s.srv.URL+"/verify")
	d := parse(t, body)
	if res.StatusCode != 200 || d.Find("h1").Text() != "Verify a credential" {
		t.Fatalf("GET /verify = %d %s", res.StatusCode, d.Find("h1").Text())
	}
	for _, id := range []string{"credential", "file", "ref"} {
		if d.Find(`label[for="`+id+`"]`).Length() != 1 || d.Find("#"+id).Length() != 1 {
			t.Errorf("the form's %s field has no label", id)
		}
	}
	for name, r := range map[string]func() (*http.Response, string){
		"pasted JWT": func() (*http.Response, string) {
			return postVerifyForm(t, s.srv.URL+"/verify", map[string]string{"credential": s.ada.JWT}, "", "", nil)
		},
		"uploaded document": func() (*http.Response, string) {
			return postVerifyForm(t, s.srv.URL+"/verify", nil, "file", "ada.json", s.ada.Document)
		},
		"urlencoded id": func() (*http.Response, string) {
			res, err := http.PostForm(s.srv.URL+"/verify", url.Values{"ref": {s.ada.ID}, "csrf": {web.TestCSRF}})
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res, string(b)
		},
	} {
		res, body := r()
		d := parse(t, body)
		if res.StatusCode != 200 || d.Find("h1#verify-state").Text() != "Active" || d.Find("#verify-holder").Text() != "Ada Lovelace" ||
			!strings.Contains(d.Find("#verify-certification").Text(), "AWS Certified AI Practitioner") {
			t.Errorf("%s: %d %q %q", name, res.StatusCode, d.Find("h1").Text(), d.Find("#verify-details").Text())
		}
		if n := d.Find("#verify-checks tbody tr").Length(); n != 6 || strings.Count(d.Find("#verify-checks").Text(), "passed") != 6 {
			t.Errorf("%s: %d checks: %q", name, n, d.Find("#verify-checks").Text())
		}
		noEmail(t, body)
	}

	parts := strings.Split(s.ada.JWT, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(payload), "Ada", "Eve", 1)))
	res, body = postVerifyForm(t, s.srv.URL+"/verify", map[string]string{"credential": strings.Join(parts, ".")}, "", "", nil)
	d = parse(t, body)
	if res.StatusCode != 200 || d.Find("h1").Text() != "Not valid: the signature check failed" ||
		!strings.Contains(d.Find("tr.check-failed").Text(), "Signature") || !strings.Contains(d.Find("tr.check-failed").Text(), "failed") ||
		d.Find("#verify-holder").Length() != 0 {
		t.Errorf("tampered: %d %q %q", res.StatusCode, d.Find("h1").Text(), d.Find("#verify-checks").Text())
	}

	res, body = postVerifyForm(t, s.srv.URL+"/verify", map[string]string{"credential": ""}, "", "", nil)
	d = parse(t, body)
	if v, _ := d.Find("#credential").Attr("aria-invalid"); res.StatusCode != 400 || v != "true" || !strings.Contains(d.Find("#verify-error").Text(), "one of the three") {
		t.Errorf("nothing sent: %d %q", res.StatusCode, d.Find("#verify-error").Text())
	}
	res, body = postVerifyForm(t, s.srv.URL+"/verify", map[string]string{"ref": "cred_nope"}, "", "", nil)
	d = parse(t, body)
	if v, _ := d.Find("#ref").Attr("aria-invalid"); res.StatusCode != 404 || v != "true" || d.Find("#ref").AttrOr("value", "") != "cred_nope" {
		t.Errorf("an unknown id: %d %q", res.StatusCode, d.Find("#verify-error").Text())
	}

	ctx := context.Background()
	err := s.st.Update(ctx, func(tx ledger.Tx) error {
		c := s.ada
		c.Status, c.Reason = ledger.CredentialRevoked, "a proxy sat the exam"
		_, err := tx.SetCredentialStatus(ctx, c)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	_, body = postVerifyForm(t, s.srv.URL+"/verify", map[string]string{"credential": s.ada.JWT}, "", "", nil)
	d = parse(t, body)
	if d.Find("h1").Text() != "Revoked" || !strings.Contains(d.Find("#verify-reason").Text(), "a proxy sat the exam") {
		t.Errorf("revoked: %q %q", d.Find("h1").Text(), d.Find("#verify-reason").Text())
	}
}

// TestCredentialLinkPage: a credential's own id link shows its
// verification page, public, without the e-mail; an unknown one is a 404
// page.
func TestCredentialLinkPage(t *testing.T) {
	s := newVerifySite(t)
	u, _ := url.Parse(s.keys.CredentialURL(s.ada.ID))
	res, body := get(t, s.srv.URL+u.Path, "Accept", "application/vc+jwt")
	d := parse(t, body)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || d.Find("h1").Text() != "Active" ||
		d.Find("#verify-id").Text() != s.ada.ID || d.Find("#verify-history tbody tr").Length() != 1 {
		t.Fatalf("GET %s = %d %s %q", u.Path, res.StatusCode, res.Header.Get("Content-Type"), d.Find("h1").Text())
	}
	noEmail(t, body)
	if strings.Contains(body, s.ada.JWT) {
		t.Error("the page hands out the credential itself")
	}
	if res, _ := get(t, s.srv.URL+"/credentials/cred_nope"); res.StatusCode != 404 {
		t.Errorf("an unknown credential: %d", res.StatusCode)
	}
}

// TestRosterPage: the upload form, the CSV answer as a download, and an
// unreadable CSV answered on the form with its line.
func TestRosterPage(t *testing.T) {
	s := newVerifySite(t)
	res, body := get(t, s.srv.URL+"/verify/roster")
	if d := parse(t, body); res.StatusCode != 200 || d.Find(`label[for="roster"]`).Length() != 1 || d.Find(`input#roster[type="file"]`).Length() != 1 {
		t.Fatalf("GET /verify/roster = %d", res.StatusCode)
	}
	roster := "name,email,credential\nAda Lovelace,," + s.ada.ID + "\n,ADA@example.com," + s.ada.ID + "\nEve,,cred_nope\n"
	res, body = postVerifyForm(t, s.srv.URL+"/verify/roster", nil, "roster", "roster.csv", []byte(roster))
	lines := strings.Split(strings.TrimSpace(body), "\n")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") || len(lines) != 4 ||
		!strings.Contains(lines[1], ",active,") || !strings.HasSuffix(strings.TrimSpace(lines[2]), ",yes,,") || !strings.Contains(lines[3], "row 4:") {
		t.Fatalf("POST /verify/roster = %d %s\n%s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	noEmail(t, body)
	res, body = postVerifyForm(t, s.srv.URL+"/verify/roster", nil, "roster", "bad.csv", []byte("name,credential\nAda,x\n\"open\n"))
	if d := parse(t, body); res.StatusCode != 400 || !strings.Contains(d.Find("#roster-error").Text(), "line 3") {
		t.Errorf("a bad CSV: %d %q", res.StatusCode, d.Find("#roster-error").Text())
	}
	res, _ = postVerifyForm(t, s.srv.URL+"/verify/roster", map[string]string{"x": "y"}, "", "", nil)
	if res.StatusCode != 400 {
		t.Errorf("no file: %d", res.StatusCode)
	}
}

// renew passes Ada's exam again on day and returns the credential issued.
func (s *verifySite) renew(t *testing.T, day time.Time) ledger.IssuedCredential {
	t.Helper()
	ctx := context.Background()
	*s.clock = day.Add(time.Hour)
	s.q.jobs = nil
	score := 800
	if _, err := s.a.RecordResult(ctx, app.System, app.ResultInput{Candidate: "ada", Exam: "AIF-C01", On: day, Scaled: &score}); err != nil {
		t.Fatal(err)
	}
	for _, j := range s.q.jobs {
		if j.Kind == app.JobCredential {
			if err := s.a.Work(ctx, j, 1, func(context.Context, ledger.Tx) error { return nil }); err != nil {
				t.Fatal(err)
			}
		}
	}
	var got []ledger.IssuedCredential
	_ = s.st.View(ctx, func(tx ledger.Tx) (err error) {
		got, err = tx.ListCredentials(ctx, ledger.CredentialFilter{Candidate: "ada"}, ledger.Page{Limit: 5})
		return err
	})
	for _, c := range got {
		if c.Supersedes == s.ada.ID {
			return c
		}
	}
	t.Fatalf("no renewal among %d credentials", len(got))
	return ledger.IssuedCredential{}
}

// TestVerifyPageSuperseded: after a renewal the first credential's page
// says it is superseded, links the renewal, and lists both in the history,
// oldest first; the renewal's page marks itself as the current one.
func TestVerifyPageSuperseded(t *testing.T) {
	s := newVerifySite(t)
	renewed := s.renew(t, time.Date(2029, 3, 1, 15, 0, 0, 0, time.UTC))
	_, body := postVerifyForm(t, s.srv.URL+"/verify", map[string]string{"credential": s.ada.JWT}, "", "", nil)
	d := parse(t, body)
	href, _ := d.Find("#verify-superseded-link").Attr("href")
	rows := d.Find("#verify-history tbody tr")
	if d.Find("h1").Text() != "Superseded by a renewal" || href != "/credentials/"+renewed.ID || rows.Length() != 2 ||
		!strings.Contains(rows.Eq(0).Text(), "(this one)") || !strings.Contains(rows.Eq(0).Text(), "Superseded") || !strings.Contains(rows.Eq(1).Text(), "Active") {
		t.Fatalf("the first after renewal: %q %q %q", d.Find("h1").Text(), href, rows.Text())
	}
	_, body = get(t, s.srv.URL+href)
	d = parse(t, body)
	if d.Find("h1").Text() != "Active" || d.Find(`#verify-history tr[aria-current="true"]`).Length() != 1 || d.Find("#verify-superseded").Length() != 0 {
		t.Errorf("the renewal's page: %q", d.Find("h1").Text())
	}
}

// TestFormBoundsComeFirst: a form larger than its page takes is refused as
// too large (413) before its token is read, rather than read whole and
// refused as a missing token, or taken.
func TestFormBoundsComeFirst(t *testing.T) {
	s := newVerifySite(t)
	big := strings.Repeat("a", 300<<10)
	if res, _ := postVerifyForm(t, s.srv.URL+"/verify", map[string]string{"credential": big}, "", "", nil); res.StatusCode != 413 {
		t.Errorf("a 300 KiB credential: %d, want 413", res.StatusCode)
	}
	if res, _ := postVerifyForm(t, s.srv.URL+"/verify/roster", nil, "roster", "big.csv", []byte("name,credential\n"+strings.Repeat("Ada,cred_x\n", 200_000))); res.StatusCode != 413 {
		t.Errorf("a 2 MiB roster: %d, want 413", res.StatusCode)
	}
}
