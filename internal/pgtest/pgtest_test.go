package pgtest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

// TestNewDatabase checks that two databases are separate and reachable
// over the socket.
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
		var settings []string
		rows, err := conn.Query(ctx, "SELECT current_setting('fsync') || ' ' || current_setting('listen_addresses') || '|' || current_setting('lc_collate')")
		if err != nil {
			t.Fatal(err)
		}
		settings, err = pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		if settings[0] != "off |C" {
			t.Errorf("settings = %q, want fsync off, no TCP, C collation", settings[0])
		}
		if err := conn.Close(ctx); err != nil {
			t.Fatal(err)
		}
	}
}
