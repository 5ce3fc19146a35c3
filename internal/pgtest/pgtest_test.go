package pgtest

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

// settings reads name's current setting on the database at url.
func settings(t *testing.T, url string, names ...string) map[string]string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	defer conn.Close(ctx)
	got := map[string]string{}
	for _, n := range names {
		var v string
		if err := conn.QueryRow(ctx, "SELECT current_setting($1)", n).Scan(&v); err != nil {
			t.Fatalf("current_setting(%s): %v", n, err)
		}
		got[n] = v
	}
	return got
}

// TestNewDatabase checks that two databases are separate and reachable
// over the socket, on Server: the fast server, durability off.
func TestNewDatabase(t *testing.T) {
	s := Server(t)
	ctx := context.Background()
	for _, url := range []string{s.NewDatabase(t), s.NewDatabase(t)} {
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatalf("connect %s: %v", url, err)
		}
		if _, err := conn.Exec(ctx, "CREATE TABLE t (x int)"); err != nil {
			t.Fatalf("create table in %s: %v", url, err)
		}
		if err := conn.Close(ctx); err != nil {
			t.Fatal(err)
		}
	}
	got := settings(t, s.NewDatabase(t), "fsync", "full_page_writes", "synchronous_commit", "listen_addresses", "lc_collate")
	want := map[string]string{"fsync": "off", "full_page_writes": "off", "synchronous_commit": "off", "listen_addresses": "", "lc_collate": "C"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("Server: %s = %q, want %q", k, got[k], v)
		}
	}
}

// TestDurableServer checks that DurableServer is another server, and
// that it commits durably: the figures of the benchmarks that use it
// depend on it.
func TestDurableServer(t *testing.T) {
	s := DurableServer(t)
	if s == Server(t) {
		t.Fatal("DurableServer is the fast server")
	}
	got := settings(t, s.NewDatabase(t), "fsync", "full_page_writes", "synchronous_commit", "wal_sync_method", "listen_addresses")
	want := map[string]string{"fsync": "on", "full_page_writes": "on", "synchronous_commit": "on", "listen_addresses": ""}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("DurableServer: %s = %q, want %q", k, got[k], v)
		}
	}
	t.Logf("wal_sync_method = %s", got["wal_sync_method"])
}

// TestMissingBinaries runs this test binary again with BinEnv naming a
// directory without the server: on a developer's machine the tests that
// need PostgreSQL skip, saying how to install it; with RequireEnv=1 (and
// with CI=true) they fail.
func TestMissingBinaries(t *testing.T) {
	if os.Getenv("PGTEST_CHILD") == "1" {
		Server(t)
		t.Fatal("Server returned without the binaries")
	}
	for _, tc := range []struct {
		name string
		env  []string
		fail bool
	}{
		{"developer", nil, false},
		{"required", []string{RequireEnv + "=1"}, true},
		{"ci", []string{"CI=true"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestMissingBinaries$", "-test.v")
			cmd.Env = append(withoutEnv(os.Environ(), "CI", RequireEnv), append(tc.env, "PGTEST_CHILD=1", BinEnv+"="+t.TempDir())...)
			out, err := cmd.CombinedOutput()
			if tc.fail {
				if err == nil || !strings.Contains(string(out), "--- FAIL") || !strings.Contains(string(out), SkipMessage) {
					t.Errorf("with %v: exit %v, want a failure naming the missing binaries:\n%s", tc.env, err, out)
				}
				return
			}
			if err != nil || !strings.Contains(string(out), "--- SKIP") || !strings.Contains(string(out), SkipMessage) {
				t.Errorf("with %v: exit %v, want a skip saying how to install PostgreSQL:\n%s", tc.env, err, out)
			}
		})
	}
}

// withoutEnv drops the named variables from env.
func withoutEnv(env []string, names ...string) []string {
	var out []string
next:
	for _, kv := range env {
		for _, n := range names {
			if strings.HasPrefix(kv, n+"=") {
				continue next
			}
		}
		out = append(out, kv)
	}
	return out
}
