package main

import (
	"context"
	"strings"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/postgres"
	"github.com/recert/recert/ledger/sqlite"
)

// defaultDB is the database every command that needs one uses unless told
// otherwise: recert.db in the working directory, the same file `recert
// serve` opens, so `recert import` and the server find the same data.
const defaultDB = "recert.db"

// openStore opens the store a --db value names: a postgres:// (or
// postgresql://) URL is PostgreSQL, anything else a SQLite file path.
func openStore(ctx context.Context, dsn string) (ledger.Store, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return postgres.Open(ctx, dsn)
	}
	return sqlite.Open(ctx, dsn)
}

// withApp opens the store a --db value names, runs fn over the use cases
// and closes the store: what every one-shot command against the database
// does.
func withApp(ctx context.Context, dsn string, fn func(a *app.App) error) error {
	st, err := openStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(app.New(st))
}

// dbFlag registers --db on a command that opens the store.
func dbFlag(f interface {
	StringVar(p *string, name, value, usage string)
}, p *string) {
	f.StringVar(p, "db", defaultDB, "the database: a SQLite file, or a postgres:// URL")
}
