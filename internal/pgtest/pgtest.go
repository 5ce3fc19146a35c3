// Package pgtest runs a throwaway PostgreSQL server for tests, built from
// the server binaries installed on the machine (Debian's postgresql
// package). There is no Docker engine where recert is built, and initdb
// plus a server on a Unix socket is ready in a few seconds, so tests start
// one server per test binary and give every test its own database.
//
// Use it from a package's TestMain:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		url := pgtest.Server(t).NewDatabase(t)
//		...
//	}
//
// Server's PostgreSQL runs with fsync, full-page writes and synchronous
// commit off: a test does not need its data to survive a crash, and every
// commit is faster. Benchmarks that publish figures use DurableServer,
// which keeps PostgreSQL's durable defaults, as a production server would.
//
// When the binaries are missing, Server skips the test and says how to
// install them; where they are required (RECERT_REQUIRE_POSTGRES=1, or
// CI=true, as .ci/run sets), it fails the test instead, so that CI cannot
// pass by skipping every PostgreSQL test. RECERT_POSTGRES_BIN names the
// directory holding initdb and postgres when they are elsewhere than on
// PATH or in Debian's /usr/lib/postgresql/<version>/bin.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// SkipMessage is what a test says when it is skipped for want of the
// PostgreSQL server binaries.
const SkipMessage = "PostgreSQL server binaries not found: apt-get install postgresql (Debian) to run these tests"

// errNoBinaries is returned by start when initdb or postgres cannot be
// found; Server turns it into a skip, unless the binaries are required.
var errNoBinaries = errors.New(SkipMessage)

// Environment variables read here.
const (
	// RequireEnv set to 1 makes missing binaries a failure, not a skip.
	RequireEnv = "RECERT_REQUIRE_POSTGRES"
	// BinEnv names the directory holding initdb and postgres.
	BinEnv = "RECERT_POSTGRES_BIN"
)

// required reports whether a test must fail rather than skip when the
// server binaries are missing: in CI, or when asked to.
func required() bool {
	return os.Getenv(RequireEnv) == "1" || os.Getenv("CI") == "true"
}

// Instance is a running throwaway PostgreSQL server that accepts
// connections only on a Unix socket in SocketDir, as the superuser
// "postgres" without a password. (It is not named Server because the
// function that returns it is, and Go has one namespace for both.)
type Instance struct {
	// SocketDir is the directory holding the server's Unix socket: the
	// host of a connection string.
	SocketDir string

	proc *process
	dbs  atomic.Int64 // databases created, for unique names

	mu    sync.Mutex // guards admin
	admin *pgx.Conn  // connection to the "postgres" database
}

// lazy is one server of the test binary, started on first use.
type lazy struct {
	durable bool
	once    sync.Once
	s       *Instance
	err     error
}

var (
	fast    = &lazy{}
	durable = &lazy{durable: true}
)

// Server returns the test binary's PostgreSQL server for tests (fsync
// off), starting it on first use. It skips t when the binaries are not
// installed (fails it where they are required) and fails t when the
// server does not start. The server runs until Main stops it; in a test
// binary without Main it is killed when the binary exits, and the next
// start removes its directory.
func Server(t testing.TB) *Instance {
	t.Helper()
	return fast.get(t)
}

// DurableServer is Server's twin with PostgreSQL's durable settings
// (fsync, full-page writes and synchronous commit on): every commit waits
// for its WAL to reach the disk. Benchmarks whose figures are published
// use it; it is a second server, started on first use.
func DurableServer(t testing.TB) *Instance {
	t.Helper()
	return durable.get(t)
}

func (l *lazy) get(t testing.TB) *Instance {
	t.Helper()
	l.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		l.s, l.err = start(ctx, l.durable)
	})
	if errors.Is(l.err, errNoBinaries) {
		if required() {
			t.Fatalf("pgtest: %v (required here: %s=1 or CI=true)", l.err, RequireEnv)
		}
		t.Skip(l.err.Error())
	}
	if l.err != nil {
		t.Fatalf("pgtest: %v", l.err)
	}
	return l.s
}

// Main runs the tests and then stops the servers that were started and
// removes their files. Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	for _, l := range []*lazy{fast, durable} {
		if l.s != nil {
			if err := l.s.stop(); err != nil {
				fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
			}
		}
	}
	os.Exit(code)
}

// NewDatabase creates an empty database for t and returns its connection
// string. The database is dropped when t ends; register anything that
// holds connections to it (a pool) after calling NewDatabase, so that it is
// closed first.
func (s *Instance) NewDatabase(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("test_%d", s.dbs.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		// FORCE ends connections a test leaked, so one forgotten Close
		// does not fail every later test.
		if err := s.exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("pgtest: drop database %s: %v", name, err)
		}
	})
	return s.URL(name)
}

// URL is the connection string of database name on s.
func (s *Instance) URL(name string) string {
	return fmt.Sprintf("postgres://postgres@/%s?host=%s&sslmode=disable", name, s.SocketDir)
}

// exec runs one statement on the admin connection. CREATE DATABASE cannot
// run inside a transaction, so it goes through one plain connection that
// the server's own tests share, serialized by mu.
func (s *Instance) exec(ctx context.Context, sql string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.admin == nil || s.admin.IsClosed() {
		conn, err := pgx.Connect(ctx, s.URL("postgres"))
		if err != nil {
			return fmt.Errorf("connect: %w", err)
		}
		s.admin = conn
	}
	if _, err := s.admin.Exec(ctx, sql); err != nil {
		return err
	}
	return nil
}

// stop closes the admin connection, shuts the server down and removes its
// files.
func (s *Instance) stop() error {
	s.mu.Lock()
	if s.admin != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = s.admin.Close(ctx) // the server is going away; nothing to keep
		cancel()
		s.admin = nil
	}
	s.mu.Unlock()
	return s.proc.stop()
}
