package main

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// run executes the command in-process with args and returns what it wrote.
func run(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	root := newRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/recert -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the output:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// TestDecideExplain covers every reason code's explanation and every kind
// of invalid line, in one golden file a reader can review.
func TestDecideExplain(t *testing.T) {
	out, err := run(t, "", "decide", "--explain", "testdata/explain.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	in, _ := os.ReadFile("testdata/explain.jsonl")
	if got, want := strings.Count(out, "\n"), strings.Count(string(in), "\n"); got != want {
		t.Errorf("%d answers for %d lines", got, want)
	}
	golden(t, "explain.golden", out)
}

func TestDecideReadsStdin(t *testing.T) {
	line := `{"id":7,"at":"2026-04-05T00:00:00Z","history":[],"ask":{"action":"score","exam":"AIF-C01","scaled_score":699}}`
	out, err := run(t, line+"\n\n", "decide")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], `{"id":7,"passed":false`) || !strings.Contains(lines[1], "invalid_scenario") {
		t.Errorf("want an answer and an error for the blank line, got:\n%s", out)
	}
}

func TestStatusAndPlan(t *testing.T) {
	at := "--at=2026-11-25T12:00:00Z"
	for _, c := range []struct{ name, golden string }{
		{"status examples/candidate.json", "status.golden"},
		{"status examples/candidate.json --json", "status.json.golden"},
		{"plan examples/candidate.json cloud-practitioner", "plan.golden"},
		{"plan examples/candidate.json ai-practitioner --json", "plan.json.golden"},
		{"plan examples/candidate.json security-specialty", "plan-none.golden"},
	} {
		t.Run(c.golden, func(t *testing.T) {
			args := strings.Fields(strings.ReplaceAll(c.name, "examples/", "../../examples/"))
			out, err := run(t, "", append(args, at)...)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, c.golden, out)
		})
	}
	if _, err := run(t, "", "plan", "../../examples/candidate.json", "no-such-cert", at); err == nil || !strings.Contains(err.Error(), "no-such-cert") {
		t.Errorf("an unknown certification must be named in the error, got %v", err)
	}
	if _, err := run(t, "", "status", "testdata/bad-history.json", at); err == nil || !strings.Contains(err.Error(), "history[1]") {
		t.Errorf("a bad history must name the event, got %v", err)
	}
}

func TestTestCommandFailsOnDifference(t *testing.T) {
	out, err := run(t, "", "test", "testdata/wrong.jsonl")
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 1 {
		t.Fatalf("want exit status 1, got %v", err)
	}
	for _, want := range []string{"testdata/wrong.jsonl:1 (\"wrong-date\"): earliest_date: want \"2026-03-16\", got \"2026-03-15\"", "testdata/wrong.jsonl:2 (\"no-expect\"): no expect object", "1 passed, 2 failed"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestValidate(t *testing.T) {
	out, err := run(t, "", "validate", "testdata/bad-program.yaml")
	if err == nil {
		t.Fatal("a bad definition must fail validation")
	}
	if !strings.Contains(out, "testdata/bad-program.yaml:") || !strings.Contains(out, "renewal") {
		t.Errorf("the error must name the file, line and field:\n%s", out)
	}
	out, err = run(t, "", "validate", "../../programs/aws.yaml")
	if err != nil || !strings.Contains(out, "program aws") {
		t.Errorf("aws.yaml must validate: %v\n%s", err, out)
	}
}

// syncBuffer is a bytes.Buffer safe to read while the server writes. It
// signals every write on changed, so a test waits for output without
// polling.
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{}
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{changed: make(chan struct{}, 1)} }

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.b.Write(p)
	select {
	case s.changed <- struct{}{}:
	default: // a signal is pending already
	}
	return n, err
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// startServer runs `recert serve` in-process on a free port and a new
// SQLite file, and returns its URL and the admin token it printed.
func startServer(t *testing.T) (string, string) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "recert.db")
	url, out := serveOn(t, db)
	m := regexp.MustCompile(`\nadmin token \(shown once; keep it\): (rct_\S+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("serve printed no admin token:\n%s", out.String())
	}
	if _, err := os.Stat(db); err != nil {
		t.Errorf("serve did not create the database: %v", err)
	}
	return url, m[1]
}

// serveOn runs `recert serve` in-process on a free port over the database
// db, with more flags if given, until the test ends. It returns the URL
// and what serve has printed (its start lines are in it by then).
func serveOn(t *testing.T, db string, flags ...string) (string, *syncBuffer) {
	t.Helper()
	url, out, _ := serveStoppable(t, db, flags...)
	return url, out
}

// TestServe checks what serve prints and that it answers with that token.
func TestServe(t *testing.T) {
	url, token := startServer(t)
	resp, err := http.Get(url + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	req, _ := http.NewRequest("POST", url+"/v1/candidates", strings.NewReader(`{"name":"Ada","time_zone":"Europe/Berlin"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("POST /v1/candidates with the printed token: %v %v", resp, err)
	}
	resp.Body.Close()
}

// TestReadmeWalkthrough runs the README's curl walk-through, as written,
// against a server started the way the README says.
func TestReadmeWalkthrough(t *testing.T) {
	block := readmeBlock(t, "walkthrough")
	url, token := startServer(t)
	walk := func() []byte {
		cmd := exec.Command("bash", "-euo", "pipefail", "-c", string(block))
		cmd.Env = append(os.Environ(), "U="+url, "TOKEN="+token)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("the walk-through failed: %v\n%s", err, out)
		}
		return out
	}
	standing := func() string {
		req, _ := http.NewRequest("GET", url+"/v1/candidates/ada/standing", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	out := walk()
	first := standing()
	// Run as a new user would, twice: the second run stores nothing new
	// (the candidate exists, the booking replays its key, each result is
	// the same sitting again).
	again := walk()
	if second := standing(); second != first {
		t.Errorf("the second run of the walk-through changed ada's standing:\nfirst  %s\nsecond %s\nits output:\n%s", first, second, again)
	}
	if n := strings.Count(first, `"scaled_score"`); n != 2 {
		t.Errorf("ada has %d results after the walk-through, want 2:\n%s", n, first)
	}
	failed := time.Now().UTC().AddDate(0, 0, -3)
	opens := time.Date(failed.Year(), failed.Month(), failed.Day()+14, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
	passed := time.Now().UTC().AddDate(0, 0, -1)
	expires := time.Date(passed.Year()+3, passed.Month(), passed.Day(), 0, 0, 0, 0, time.UTC).Format("2006-01-02")
	for _, want := range []string{
		`"id":"seattle"`, `"id":"ada"`, `"exam":"SAA-C03"`, `"fee_minor":15000`,
		`"reasons":["retake_wait"]`, `"earliest_date":"` + opens + `"`,
		`"certification":"cloud-practitioner","state":"active"`, `"expires_on":"` + expires + `"`,
		`"discount_percent":50,"state":"unused"`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the walk-through's output lacks %s:\n%s", want, out)
		}
	}
}

// readmeBlock is the README's ```sh NAME block, to be run with bash; the
// test skips where bash, curl or date are missing.
func readmeBlock(t *testing.T, name string) []byte {
	t.Helper()
	for _, tool := range []string{"bash", "curl", "date"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (apt-get install %s) so the README's %s block cannot run", tool, tool, name)
		}
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```sh " + name + "\n(.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatalf("README.md has no ```sh %s block", name)
	}
	return m[1]
}
