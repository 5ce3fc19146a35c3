package app_test

import (
	"context"
	"testing"

	"github.com/recert/recert/internal/pgtest"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/postgres"
)

// TestMain starts the throwaway PostgreSQL server on first use and stops
// it at the end; without PostgreSQL installed, the postgres subtests skip
// and say how to install it.
func TestMain(m *testing.M) { pgtest.Main(m) }

func init() {
	stores["postgres"] = func(t *testing.T) ledger.Store {
		db, err := postgres.Open(context.Background(), pgtest.Server(t).NewDatabase(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
}
