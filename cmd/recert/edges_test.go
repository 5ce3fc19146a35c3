package main

import (
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/recert/recert/internal/pgtest"
)

func TestMain(m *testing.M) {
	if os.Getenv(testWorkerEnv) != "" {
		runTestWorker() // this binary is a worker process of a reminders test
	}
	pgtest.Main(m)
}

// TestParseDB: which store each --db spelling opens, and that what is
// shown of it never holds the password.
func TestParseDB(t *testing.T) {
	for _, c := range []struct {
		in       string
		postgres bool
		open     string
		display  string
		err      string
	}{
		{in: "recert.db", open: "recert.db", display: "SQLite recert.db"},
		{in: "/var/lib/recert/data.db", open: "/var/lib/recert/data.db", display: "SQLite /var/lib/recert/data.db"},
		{in: "sqlite:my.db", open: "my.db", display: "SQLite my.db"},
		{in: "sqlite:///srv/recert.db", open: "/srv/recert.db", display: "SQLite /srv/recert.db"},
		{in: "postgres://ada:hunter2@db.example:5433/recert", postgres: true, display: "PostgreSQL database recert on db.example:5433 as ada"},
		{in: "postgresql://ada:hunter2@db.example/recert", postgres: true, display: "PostgreSQL database recert on db.example:5432 as ada"},
		{in: "host=db.example dbname=recert user=ada password=hunter2", postgres: true, display: "PostgreSQL database recert on db.example:5432 as ada"},
		{in: " host=db.example port=6000 dbname=recert user=ada password='hunter2'", postgres: true, display: "PostgreSQL database recert on db.example:6000 as ada"},
		{in: "mysql://ada:hunter2@db/recert", err: "mysql:// is not a database recert knows"},
		{in: "", err: "--db is empty"},
		{in: "sqlite:", err: "needs a file path"},
		{in: "postgres://ada:hunter2@db.example:port/recert", err: "not a PostgreSQL connection string"},
		{in: "host=db.example port=notaport password=hunter2", err: "not a PostgreSQL connection string"},
	} {
		spec, err := parseDB(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want one saying %q", c.in, err, c.err)
			}
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("%q: the error shows the password: %v", c.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if spec.postgres != c.postgres || spec.display != c.display || (!c.postgres && spec.open != c.open) {
			t.Errorf("%q: postgres=%v open=%q display=%q; want postgres=%v open=%q display=%q",
				c.in, spec.postgres, spec.open, spec.display, c.postgres, c.open, c.display)
		}
		if c.postgres && spec.password != "hunter2" {
			t.Errorf("%q: password %q was not found, so it could not be scrubbed", c.in, spec.password)
		}
	}
}

// TestScrub: a password is taken out of an error however it is spelled,
// and the error still unwraps to its cause.
func TestScrub(t *testing.T) {
	cause := errors.New("root cause")
	for _, pw := range []string{"hunter2", "p@ss/w:rd", "sp ace"} {
		inURL := "postgres://" + url.UserPassword("u", pw).String() + "@h"
		err := scrub(errors.Join(errors.New("dial "+pw+" and "+inURL+" ?password="+url.QueryEscape(pw)), cause), pw)
		if strings.Contains(err.Error(), pw) || strings.Contains(err.Error(), "%40") || strings.Contains(err.Error(), "sp+ace") {
			t.Errorf("%q: not scrubbed: %v", pw, err)
		}
		if !errors.Is(err, cause) {
			t.Errorf("%q: the scrubbed error lost its cause", pw)
		}
	}
}

// TestServeNeverPrintsThePassword: a PostgreSQL server that does not
// answer makes serve fail with an error that names the store but not the
// password, in every spelling (checked: with the --db value in the error,
// as before, this fails).
func TestServeNeverPrintsThePassword(t *testing.T) {
	for _, db := range []string{
		"postgres://ada:hunter2@127.0.0.1:1/recert?connect_timeout=5",
		"host=127.0.0.1 port=1 dbname=recert user=ada password=hunter2 connect_timeout=5",
		"postgres://ada:hunter2@127.0.0.1:1:2/recert",
	} {
		out, err := run(t, "", "serve", "--addr", "127.0.0.1:0", "--db", db)
		if err == nil {
			t.Fatalf("%s: serve started on a closed port", db)
		}
		if all := out + err.Error(); strings.Contains(all, "hunter2") {
			t.Errorf("%s: the password is shown:\n%s", db, all)
		}
	}
}

// TestServeOnPostgres: a keyword DSN is PostgreSQL, not a SQLite file of
// that name, and the banner says which store it is.
func TestServeOnPostgres(t *testing.T) {
	url := pgtest.Server(t).NewDatabase(t)
	// postgres://postgres@/test_N?host=/socket/dir&sslmode=disable as a
	// keyword DSN.
	m := regexp.MustCompile(`^postgres://([^@]+)@/([^?]+)\?host=([^&]+)&sslmode=disable$`).FindStringSubmatch(url)
	if m == nil {
		t.Fatalf("pgtest gave %q, which this test cannot rewrite", url)
	}
	dsn := "user=" + m[1] + " dbname=" + m[2] + " host=" + m[3] + " sslmode=disable"
	dir := t.TempDir()
	t.Chdir(dir)
	_, out := serveOn(t, dsn)
	if !strings.Contains(out.String(), "(database PostgreSQL database "+m[2]+" on "+m[3]+":5432 as "+m[1]+",") {
		t.Errorf("the banner does not name the PostgreSQL store:\n%s", out.String())
	}
	if files, _ := os.ReadDir(dir); len(files) > 0 {
		t.Errorf("serve on a keyword DSN created %s in the working directory", files[0].Name())
	}
}

func TestVersion(t *testing.T) {
	out, err := run(t, "", "--version")
	if err != nil || !regexp.MustCompile(`^recert \S+\n$`).MatchString(out) {
		t.Errorf("--version printed %q (%v), want recert <version>", out, err)
	}
	saved := buildVersion
	defer func() { buildVersion = saved }()
	buildVersion = "v9.8.7"
	if out, _ := run(t, "", "--version"); out != "recert v9.8.7\n" {
		t.Errorf("with -X main.buildVersion=v9.8.7: %q", out)
	}
}

// TestTokenCreate: recert token create prints a secret that the server
// accepts, and a database that has an admin token gets no new one at
// serve's start; an expired token is refused.
func TestTokenCreate(t *testing.T) {
	db := filepath.Join(t.TempDir(), "recert.db")
	secret, err := run(t, "", "token", "create", "--db", db, "--role", "admin", "--name", "ops")
	if err != nil {
		t.Fatalf("token create: %v\n%s", err, secret)
	}
	m := regexp.MustCompile(`(?m)^(rct_\S+)$`).FindStringSubmatch(secret)
	if m == nil {
		t.Fatalf("token create printed no secret alone on a line:\n%s", secret)
	}
	short, err := run(t, "", "token", "create", "--db", db, "--role", "staff", "--expires", time.Now().Add(-time.Hour).UTC().Format(time.RFC3339))
	if err == nil || !strings.Contains(err.Error(), "expires_at") {
		t.Errorf("an expiry in the past: %v\n%s", err, short)
	}
	if out, err := run(t, "", "token", "create", "--db", db, "--role", "center"); err == nil || !strings.Contains(err.Error(), "needs the center id") {
		t.Errorf("a center token without --subject: %v\n%s", err, out)
	}
	if out, err := run(t, "", "token", "create", "--db", db, "--role", "staff", "--expires", "soon"); err == nil || !strings.Contains(err.Error(), "--expires") {
		t.Errorf("--expires soon: %v\n%s", err, out)
	}

	url, out := serveOn(t, db)
	if strings.Contains(out.String(), "admin token (shown once") {
		t.Errorf("serve made an admin token although the database has one:\n%s", out.String())
	}
	for _, c := range []struct {
		token string
		want  int
	}{{m[1], 200}, {"paste-the-admin-token-here", 401}} {
		req, _ := http.NewRequest("GET", url+"/v1/tokens", nil)
		req.Header.Set("Authorization", "Bearer "+c.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("GET /v1/tokens with %s: %d, want %d", c.token, resp.StatusCode, c.want)
		}
	}
}

func TestExpiry(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in   string
		want time.Time
		err  bool
	}{
		{"", time.Time{}, false},
		{"720h", now.Add(720 * time.Hour), false},
		{"90m", now.Add(90 * time.Minute), false},
		{"2027-01-31T00:00:00Z", time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC), false},
		{"-1h", time.Time{}, true},
		{"30d", time.Time{}, true},
	} {
		got, err := expiry(c.in, now)
		if (err != nil) != c.err || !got.Equal(c.want) {
			t.Errorf("expiry(%q) = %v, %v; want %v, error %v", c.in, got, err, c.want, c.err)
		}
	}
}

// TestServeProgram: serve --program uploads and activates a definition,
// a second start with the same file is fine, and the same version with
// other text is refused with the active version left as it was.
func TestServeProgram(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "recert.db")
	_, out := serveOn(t, db, "--program", "../../programs/google-cloud.yaml")
	if !regexp.MustCompile(`programs [^)]*google-cloud@`).MatchString(out.String()) {
		t.Fatalf("the banner does not list google-cloud as active:\n%s", out.String())
	}
	_, out = serveOn(t, db, "--program", "../../programs/google-cloud.yaml")
	if !regexp.MustCompile(`programs [^)]*google-cloud@`).MatchString(out.String()) {
		t.Fatalf("a second start with the same file:\n%s", out.String())
	}
	src, err := os.ReadFile("../../programs/google-cloud.yaml")
	if err != nil {
		t.Fatal(err)
	}
	edited := filepath.Join(dir, "edited.yaml")
	if err := os.WriteFile(edited, append(src, []byte("\n# edited without a new version\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := run(t, "", "serve", "--addr", "127.0.0.1:0", "--db", db, "--program", edited)
	if err == nil || !strings.Contains(err.Error(), "stored already with another definition") {
		t.Fatalf("the same version with other text: %v\n%s", err, got)
	}
	if out, err := run(t, "", "serve", "--addr", "127.0.0.1:0", "--db", db, "--program", "testdata/bad-program.yaml"); err == nil {
		t.Errorf("a definition that does not load was accepted:\n%s", out)
	}
}

// TestProgramFlagOnlyWhereItActs: --program is refused by the commands
// it would do nothing on.
func TestProgramFlagOnlyWhereItActs(t *testing.T) {
	for _, args := range [][]string{{"rebuild"}, {"export"}, {"validate", "x.yaml"}, {"import", "x.jsonl"}} {
		out, err := run(t, "", append(args, "--program", "../../programs/microsoft.yaml")...)
		if err == nil || !strings.Contains(err.Error(), "unknown flag: --program") {
			t.Errorf("%s --program: %v\n%s", args[0], err, out)
		}
	}
}

// TestTestCommandNamesProgram: scenarios for exams the built-in program
// lacks end with a hint naming --program; with the right program they pass.
func TestTestCommandNamesProgram(t *testing.T) {
	out, err := run(t, "", "test", "../../programs/microsoft.jsonl")
	var ee *exitError
	if !errors.As(err, &ee) || !strings.Contains(out, "the built-in program aws@") || !strings.Contains(out, "--program FILE") {
		t.Errorf("Microsoft's scenarios on the built-in program: %v\n%s", err, tail(out))
	}
	out, err = run(t, "", "test", "--program", "../../programs/microsoft.yaml", "../../programs/microsoft.jsonl")
	if err != nil || strings.Contains(out, "--program FILE") {
		t.Errorf("with --program: %v\n%s", err, tail(out))
	}
}

// TestTestCommandInvalidScenario: a line whose field has the wrong JSON
// type is refused as invalid_scenario, and recert test can expect that
// (checked: without the expect probe such lines fail as "no expect").
func TestTestCommandInvalidScenario(t *testing.T) {
	file := filepath.Join(t.TempDir(), "invalid.jsonl")
	lines := `{"id":"at-number","at":5,"ask":{"action":"status","certification":"ai-practitioner"},"expect":{"error":{"code":"invalid_scenario"}}}
{"id":"score-string","at":"2026-04-05T00:00:00Z","history":[],"ask":{"action":"score","exam":"AIF-C01","scaled_score":"700"},"expect":{"error":{"code":"invalid_scenario"}}}
{"id":"history-object","at":"2026-04-05T00:00:00Z","history":{},"ask":{"action":"status","certification":"ai-practitioner"},"expect":{"error":{"code":"invalid_scenario"}}}
{"id":"wrong-expectation","at":5,"ask":{"action":"status","certification":"ai-practitioner"},"expect":{"state":"none"}}
`
	if err := os.WriteFile(file, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _ := run(t, "", "test", file)
	if !strings.Contains(out, "3 passed, 1 failed") || !strings.Contains(out, `("wrong-expectation"): state: want "none", got nothing`) {
		t.Errorf("want the three invalid lines to pass and the fourth to fail:\n%s", out)
	}
}

func TestPlanListsCertifications(t *testing.T) {
	_, err := run(t, "", "plan", "../../examples/candidate.json", "cloud-practicioner", "--at=2026-11-25T12:00:00Z")
	if err == nil || !strings.Contains(err.Error(), `no certification "cloud-practicioner"`) ||
		!strings.Contains(err.Error(), "cloud-practitioner, ai-practitioner") {
		t.Errorf("a misspelt certification must list the known ids: %v", err)
	}
}

func tail(s string) string {
	if len(s) > 2000 {
		return "..." + s[len(s)-2000:]
	}
	return s
}
