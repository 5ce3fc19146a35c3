package httpapi

import (
	"context"
	"testing"

	"github.com/recert/recert/internal/pgtest"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/postgres"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// newPostgresWorld is a world whose server runs over a new PostgreSQL
// database instead of SQLite.
func newPostgresWorld(t *testing.T) *world {
	t.Helper()
	url := pgtest.Server(t).NewDatabase(t)
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return newWorldOver(t, "", true, func(ledger.Store) ledger.Store { return db })
}

// TestTextRefusedOnPostgres: PostgreSQL refuses a NUL or invalid UTF-8
// with an error of its own, which reached clients as 500; the same
// bodies are 400 naming the field here, before the store sees them.
// Checked: without app.CheckJSONText and checkParams the NUL cases answer 500.
func TestTextRefusedOnPostgres(t *testing.T) {
	textRefused(t, newPostgresWorld(t))
}
