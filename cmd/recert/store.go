package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/postgres"
	"github.com/recert/recert/ledger/sqlite"
)

// defaultDB is the database every command that needs one uses unless told
// otherwise: recert.db in the working directory, the same file `recert
// serve` opens, so `recert import` and the server find the same data.
const defaultDB = "recert.db"

// dbSpec is what a --db value names, read once: which store, the string
// to open it with, how to show it to a person, and the password (if any)
// that must never be shown.
type dbSpec struct {
	postgres bool
	open     string // the DSN for postgres.Open, the file for sqlite.Open
	display  string // for banners and errors: never holds the password
	password string
}

// keywordDSN matches the start of a libpq keyword/value string
// ("host=db dbname=recert"), which pgx parses like a URL. Without this a
// DSN was taken for a SQLite file name and silently created.
var keywordDSN = regexp.MustCompile(`^\s*[a-z_]+\s*=`)

// urlScheme is what comes before "://" in a URL.
var urlScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*$`)

// parseDB reads a --db value: a postgres:// or postgresql:// URL or a
// keyword DSN is PostgreSQL; "sqlite:PATH" or any other plain path is a
// SQLite file. A value with another URL scheme is refused rather than
// becoming a file of that name.
func parseDB(v string) (dbSpec, error) {
	if strings.TrimSpace(v) == "" {
		return dbSpec{}, errors.New("--db is empty: give a SQLite file path, a postgres:// URL or a keyword DSN (host=... dbname=...)")
	}
	if path, ok := strings.CutPrefix(v, "sqlite:"); ok {
		path = strings.TrimPrefix(path, "//") // sqlite:///abs/path and sqlite://rel as well as sqlite:path
		if path == "" {
			return dbSpec{}, errors.New("--db sqlite: needs a file path after the colon")
		}
		return dbSpec{open: path, display: "SQLite " + path}, nil
	}
	isURL := strings.HasPrefix(v, "postgres://") || strings.HasPrefix(v, "postgresql://")
	if !isURL && !keywordDSN.MatchString(v) {
		if scheme, _, ok := strings.Cut(v, "://"); ok && urlScheme.MatchString(scheme) {
			return dbSpec{}, fmt.Errorf("--db: %s:// is not a database recert knows; use postgres://, a keyword DSN (host=... dbname=...), sqlite:PATH or a file path", scheme)
		}
		return dbSpec{open: v, display: "SQLite " + v}, nil
	}
	cfg, err := pgconn.ParseConfig(v)
	if err != nil {
		// pgconn redacts what it recognises; the scrub catches the rest
		// (a password it could not find is still in the input).
		return dbSpec{}, scrub(fmt.Errorf("--db: not a PostgreSQL connection string: %w", err), passwordIn(v))
	}
	return dbSpec{postgres: true, open: v, password: cfg.Password,
		display: fmt.Sprintf("PostgreSQL database %s on %s:%d as %s", cfg.Database, cfg.Host, cfg.Port, cfg.User)}, nil
}

// passwordIn digs a password out of a string pgconn could not parse, so
// that its error can be scrubbed of it.
func passwordIn(v string) string {
	if u, err := url.Parse(v); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok {
			return p
		}
	}
	if m := regexp.MustCompile(`password\s*=\s*('([^']*)'|(\S*))`).FindStringSubmatch(v); m != nil {
		return m[2] + m[3]
	}
	if _, rest, ok := strings.Cut(v, "://"); ok {
		if userinfo, _, ok := strings.Cut(rest, "@"); ok {
			if _, p, ok := strings.Cut(userinfo, ":"); ok {
				return p
			}
		}
	}
	return ""
}

// scrubbed is an error whose text no longer holds the password. It still
// unwraps to the cause, for errors.Is.
type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }

// scrub replaces every spelling of password in err's text (as written and
// URL-escaped) with xxxxx.
func scrub(err error, password string) error {
	if err == nil || password == "" {
		return err
	}
	msg := err.Error()
	for _, p := range []string{password, url.QueryEscape(password), url.PathEscape(password), url.UserPassword("", password).String()[1:]} {
		if p != "" {
			msg = strings.ReplaceAll(msg, p, "xxxxx")
		}
	}
	return &scrubbed{msg: msg, err: err}
}

// openStore opens the store a --db value names. Errors name the store as
// display does and never hold its password.
func openStore(ctx context.Context, db string) (ledger.Store, dbSpec, error) {
	spec, err := parseDB(db)
	if err != nil {
		return nil, spec, err
	}
	var st ledger.Store
	if spec.postgres {
		st, err = postgres.Open(ctx, spec.open)
	} else {
		st, err = sqlite.Open(ctx, spec.open)
	}
	if err != nil {
		return nil, spec, scrub(fmt.Errorf("opening %s: %w", spec.display, err), spec.password)
	}
	return st, spec, nil
}

// withApp opens the store a --db value names, runs fn over the use cases
// and closes the store: what every one-shot command against the database
// does.
func withApp(ctx context.Context, db string, fn func(a *app.App) error) error {
	st, spec, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	return scrub(fn(app.New(st)), spec.password)
}

// dbFlag registers --db on a command that opens the store.
func dbFlag(f interface {
	StringVar(p *string, name, value, usage string)
}, p *string) {
	f.StringVar(p, "db", defaultDB, "the database: a SQLite file (or sqlite:PATH), a postgres:// URL or a keyword DSN (host=... dbname=...)")
}
