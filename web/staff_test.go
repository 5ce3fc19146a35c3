package web_test

import (
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/sqlite"
	"github.com/recert/recert/web"
)

var (
	admin     = app.Principal{TokenID: "tok-admin", Role: app.RoleAdmin}
	staffer   = app.Principal{TokenID: "tok-staff", Role: app.RoleStaff}
	candidate = app.Principal{TokenID: "tok-c1", Role: app.RoleCandidate, Subject: "c1"}
)

// testClock is the app's clock in the staff tests: it moves when told.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) set(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t, _ = time.Parse(time.RFC3339, s)
}

// staffSite is the pages over an app on SQLite, served as each principal.
type staffSite struct {
	a   *app.App
	clk *testClock
	as  map[string]*httptest.Server // by role
	st  ledger.Store
}

func newStaffSite(t *testing.T) *staffSite {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir()+"/web.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clk := &testClock{}
	clk.set("2026-02-01T09:00:00Z")
	a := app.New(st, app.WithClock(clk.now))
	h := web.New(a, web.Options{Now: clk.now})
	s := &staffSite{a: a, clk: clk, as: map[string]*httptest.Server{}, st: st}
	for _, pr := range []app.Principal{admin, staffer, candidate} {
		srv := httptest.NewServer(web.AsPrincipal(h, pr))
		t.Cleanup(srv.Close)
		s.as[string(pr.Role)] = srv
	}
	return s
}

// noRedirect is a client that shows a redirect rather than following it.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func postForm(t *testing.T, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	form.Set("csrf", web.TestCSRF)
	res, err := noRedirect.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// builtInSource is the embedded program's version and definition.
func builtInSource(t *testing.T, a *app.App) (string, string) {
	t.Helper()
	cat, err := a.ProgramCatalog(context.Background(), app.System)
	if err != nil {
		t.Fatal(err)
	}
	src, err := a.ProgramVersionSource(context.Background(), app.System, cat[0].ID, cat[0].Version)
	if err != nil {
		t.Fatal(err)
	}
	return cat[0].Version, string(src)
}

func lineOf(t *testing.T, src, needle string) int {
	t.Helper()
	for i, l := range strings.Split(src, "\n") {
		if strings.Contains(l, needle) {
			return i + 1
		}
	}
	t.Fatalf("no line has %q", needle)
	return 0
}

func TestUploadWithAnErrorShowsItAtItsLine(t *testing.T) {
	s := newStaffSite(t)
	_, src := builtInSource(t, s.a)
	bad := strings.Replace(src, "weight: 20}", "weight: twenty}", 1)
	n := lineOf(t, bad, "weight: twenty")
	res, body := postForm(t, s.as["admin"].URL+"/staff/programs/upload", url.Values{"definition": {bad}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("POST a bad definition = %d, want 422", res.StatusCode)
	}
	d := parse(t, body)
	row := d.Find(fmt.Sprintf("#L%d", n))
	if row.Length() != 1 || row.Find("th").Text() != fmt.Sprint(n) || !strings.Contains(row.Find("code").Text(), "weight: twenty") {
		t.Fatalf("row #L%d: %q", n, row.Text())
	}
	prob := row.Find(".line-problem")
	if prob.Length() == 0 || !strings.Contains(prob.Text(), fmt.Sprintf("line %d", n)) || !strings.Contains(prob.Text(), "weight") {
		t.Errorf("the problem under line %d: %q, want its line and the field", n, prob.Text())
	}
	link := d.Find("#problem-list a").First()
	if href, _ := link.Attr("href"); href != fmt.Sprintf("#L%d", n) {
		t.Errorf("the problem list links %q, want #L%d", href, n)
	}
	if d.Find(".line-problem").Length() != d.Find("#problem-list li").Length() {
		t.Errorf("%d problems under lines, %d listed", d.Find(".line-problem").Length(), d.Find("#problem-list li").Length())
	}
	if v := d.Find("#definition").Text(); v != bad {
		t.Errorf("the textarea lost the definition (%d bytes, want %d)", len(v), len(bad))
	}
	if cat, _ := s.a.ProgramCatalog(context.Background(), app.System); len(cat) != 1 {
		t.Errorf("catalog after a refused upload: %+v, want only the built-in version", cat)
	}

	// An empty form is refused next to its field.
	res, body = postForm(t, s.as["admin"].URL+"/staff/programs/upload", url.Values{"definition": {"  "}})
	if d := parse(t, body); res.StatusCode != 422 || d.Find("#definition-error").Length() != 1 || d.Find("#definition[aria-invalid=true]").Length() != 1 {
		t.Errorf("empty upload = %d, want 422 with the error at the field", res.StatusCode)
	}
}

func TestUploadActivateAndCompare(t *testing.T) {
	s := newStaffSite(t)
	old, src := builtInSource(t, s.a)
	next := strings.Replace(src, `version: "`+old+`"`, `version: "2099.1.0"`, 1)
	next = strings.Replace(next, "name: AWS Certification\n", "name: AWS Certification\n# a comment added in 2099.1.0\n", 1)
	res, _ := postForm(t, s.as["admin"].URL+"/staff/programs/upload", url.Values{"definition": {next}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff/programs/aws/2099.1.0?uploaded=1" {
		t.Fatalf("POST a valid definition = %d → %s", res.StatusCode, res.Header.Get("Location"))
	}
	_, body := get(t, s.as["admin"].URL+res.Header.Get("Location"))
	if d := parse(t, body); d.Find("#uploaded").Length() != 1 || d.Find("#activate").Length() != 1 {
		t.Errorf("the new version's page says neither that it was stored nor how to activate it")
	}
	_, body = get(t, s.as["staff"].URL+"/staff/programs")
	d := parse(t, body)
	if st := d.Find("#versions-aws tbody tr").First().Find("td").Eq(2).Text(); st != "Active" {
		t.Errorf("before activation the built-in version is %q, want Active", st)
	}
	if d.Find("#activate-aws-2099\\.1\\.0").Length() != 1 {
		t.Fatalf("no activate button for 2099.1.0: %s", d.Find("#versions-aws").Text())
	}

	res, _ = postForm(t, s.as["admin"].URL+"/staff/programs/aws/2099.1.0/activate", url.Values{})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("activate = %d", res.StatusCode)
	}
	_, body = get(t, s.as["admin"].URL+res.Header.Get("Location"))
	d = parse(t, body)
	if !strings.Contains(d.Find("#activated").Text(), "aws@2099.1.0") {
		t.Errorf("the list does not confirm the activation: %q", d.Find("#activated").Text())
	}
	var active []string
	d.Find("#versions-aws tbody tr").Each(func(_ int, tr *goquery.Selection) {
		if tr.Find("td").Eq(2).Text() == "Active" {
			active = append(active, tr.Find("th").Text())
		}
	})
	if len(active) != 1 || active[0] != "2099.1.0" {
		t.Errorf("active versions %v, want only 2099.1.0", active)
	}
	// A staff member (not admin) may not activate: app says so.
	if res, _ := postForm(t, s.as["staff"].URL+"/staff/programs/aws/"+old+"/activate", url.Values{}); res.StatusCode != http.StatusForbidden {
		t.Errorf("activate by staff = %d, want 403", res.StatusCode)
	}

	_, body = get(t, s.as["staff"].URL+"/staff/programs/compare?program=aws&from="+old+"&to=2099.1.0")
	d = parse(t, body)
	var plus, minus []string
	d.Find("#diff tbody tr").Each(func(_ int, tr *goquery.Selection) {
		switch tr.Find("td").First().Text() {
		case "+added":
			plus = append(plus, tr.Find("code").Text())
		case "−removed":
			minus = append(minus, tr.Find("code").Text())
		}
	})
	if len(minus) != 1 || !strings.Contains(minus[0], old) || len(plus) != 2 || !strings.Contains(plus[0], "2099.1.0") || plus[1] != "# a comment added in 2099.1.0" {
		t.Errorf("diff: removed %q, added %q; want the version line changed and the comment added", minus, plus)
	}
	if !strings.Contains(d.Find("#diff-summary").Text(), "2 lines added and 1 removed") {
		t.Errorf("summary %q", d.Find("#diff-summary").Text())
	}
}

// TestUploadAFile: a chosen file is used instead of the textarea, and a
// file with a problem is shown at its line with the file's own name.
func TestUploadAFile(t *testing.T) {
	s := newStaffSite(t)
	_, src := builtInSource(t, s.a)
	bad := strings.Replace(src, "weight: 20}", "weight: twenty}", 1)
	var buf strings.Builder
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf", web.TestCSRF)
	_ = mw.WriteField("definition", "ignored: the file wins")
	fw, _ := mw.CreateFormFile("file", "mine.yaml")
	_, _ = io.WriteString(fw, bad)
	_ = mw.Close()
	res, err := noRedirect.Post(s.as["admin"].URL+"/staff/programs/upload", mw.FormDataContentType(), strings.NewReader(buf.String()))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	d := parse(t, string(b))
	n := lineOf(t, bad, "weight: twenty")
	if res.StatusCode != 422 || d.Find(fmt.Sprintf("#L%d .line-problem", n)).Length() != 1 {
		t.Errorf("upload of a bad file = %d; problem at line %d: %d", res.StatusCode, n, d.Find(fmt.Sprintf("#L%d .line-problem", n)).Length())
	}
}
