package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/sqlite"
)

// TestImportExportRebuild runs the commands in-process: an import with a
// refused row exits 1 after storing the rest and names the row as
// FILE:ROW; its export, imported into a new database, exports the same.
func TestImportExportRebuild(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "legacy.jsonl")
	db, db2 := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	rows := `{"kind":"candidate","id":"c1","name":"Ada","time_zone":"Europe/Paris"}
{"kind":"result","candidate":"c1","exam":"CLF-C02","on":"2025-04-01T15:00:00Z","scaled_score":810}
{"kind":"result","candidate":"c1","exam":"NOPE-C01","on":"2025-04-01T15:00:00Z","scaled_score":810}
{"kind":"certification","candidate":"c1","certification":"solutions-architect-associate","earned_on":"2024-06-30"}
`
	if err := os.WriteFile(in, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := run(t, "", "import", in, "--db", db)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 1 {
		t.Fatalf("import with a bad row: %v, want exit status 1\n%s", err, out)
	}
	if !strings.Contains(out, in+`:3: exam: program aws@`) || !strings.Contains(out, "imported 3 rows") {
		t.Errorf("output does not name the refused row or the count:\n%s", out)
	}
	out, err = run(t, "", "import", in, "--db", db)
	if err != nil || !strings.Contains(out, "imported 0 rows") {
		t.Errorf("the same import again: %v\n%s\nwant nothing left to import", err, out)
	}

	exp := filepath.Join(dir, "export.jsonl")
	if out, err := run(t, "", "export", "--db", db, "-o", exp); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	if out, err := run(t, "", "import", exp, "--db", db2); err != nil {
		t.Fatalf("importing the export: %v\n%s", err, out)
	}
	again, err := run(t, "", "export", "--db", db2)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(exp)
	if again != string(first) || !strings.Contains(again, `"kind":"event"`) {
		t.Errorf("export -> import -> export differs:\n%s\n---\n%s", first, again)
	}
	out, err = run(t, "", "rebuild", "--db", db2)
	if err != nil || !strings.Contains(out, "rebuilt the read models of 1 candidates") {
		t.Errorf("rebuild: %v\n%s", err, out)
	}
	if _, err := run(t, "", "export", "--db", "postgres://nobody@127.0.0.1:1/none?connect_timeout=1"); err == nil {
		t.Error("an unreachable postgres:// database was accepted")
	}
}

// crashFile writes the crash test's import: candidate rows 1..c, then per
// results of each candidate in turn, as a legacy system's export would
// list them; a batch of results touches some 550 streams.
func crashFile(t *testing.T, path string, c, per int) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for i := 0; i < c; i++ {
		fmt.Fprintf(w, `{"kind":"candidate","id":"c%06d","name":"C %d"}`+"\n", i, i)
	}
	base := time.Date(2019, 1, 1, 9, 0, 0, 0, time.UTC)
	exams := []string{"CLF-C02", "SAA-C03", "DVA-C02"}
	for i := 0; i < c; i++ {
		for r := 0; r < per; r++ {
			on := base.Add(time.Duration(r*40+i%20) * 24 * time.Hour).Format(time.RFC3339)
			fmt.Fprintf(w, `{"kind":"result","candidate":"c%06d","exam":"%s","on":"%s","scaled_score":%d}`+"\n",
				i, exams[(i+r)%3], on, 100+(i*31+r*97)%900)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestImportSurvivesKill9 kills `recert import` of 300,000 rows with
// SIGKILL after its first committed batch of results, then checks that the database
// holds exactly the rows up to the stored position (whole batches, nothing
// of the batch that was being written), and that running the import again
// resumes there and ends with every row stored once.
func TestImportSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and imports 300,000 rows")
	}
	const cands, per = 30000, 9 // 30,000 + 270,000 rows
	dir := t.TempDir()
	bin, file, db := filepath.Join(dir, "recert"), filepath.Join(dir, "big.jsonl"), filepath.Join(dir, "crash.db")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	crashFile(t, file, cands, per)

	ctx := context.Background()
	cmd := exec.Command(bin, "import", file, "--db", db, "--name", "crash")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var st *sqlite.DB
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("no batch committed in time:\n%s", out.String())
		}
		time.Sleep(10 * time.Millisecond)
		if st == nil {
			if _, err := os.Stat(db); err != nil {
				continue
			}
			var err error
			if st, err = sqlite.Open(ctx, db); err != nil {
				continue // the importer may still be migrating
			}
			defer st.Close()
		}
		if position(t, st) > cands { // a batch of results is stored: kill during the next
			break
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	pos := position(t, st)
	if pos%app.DefaultBatch != 0 || pos <= cands || pos >= cands*(per+1) {
		t.Fatalf("position %d after the kill: want a whole number of batches, short of the end\n%s", pos, out.String())
	}
	checkRows(t, st, cands, per, pos)
	t.Logf("killed at position %d", pos)

	res, err := exec.Command(bin, "import", file, "--db", db, "--name", "crash").CombinedOutput()
	if err != nil || !strings.Contains(string(res), fmt.Sprintf("resuming after row %d", pos)) {
		t.Fatalf("rerun: %v\n%s", err, res)
	}
	if got := position(t, st); got != cands*(per+1) {
		t.Fatalf("position %d after the rerun, want %d", got, cands*(per+1))
	}
	checkRows(t, st, cands, per, cands*(per+1))
}

func position(t *testing.T, st ledger.Store) int64 {
	t.Helper()
	var pos int64
	err := st.View(context.Background(), func(tx ledger.Tx) error {
		var err error
		pos, err = tx.ImportPosition(context.Background(), "crash")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return pos
}

// checkRows checks that the store holds the crash file's rows 1..pos and
// no other: each candidate row up to pos, and for each candidate exactly
// its results up to pos, in its stream and in its read model.
func checkRows(t *testing.T, st ledger.Store, cands, per int, pos int64) {
	t.Helper()
	ctx := context.Background()
	err := st.View(ctx, func(tx ledger.Tx) error {
		seen := 0
		for after := ""; ; {
			cs, err := tx.ListCandidates(ctx, ledger.Page{After: after, Limit: 1000})
			if err != nil || len(cs) == 0 {
				if err == nil && int64(seen) != min(pos, int64(cands)) {
					t.Errorf("%d candidates stored at position %d", seen, pos)
				}
				return err
			}
			seen += len(cs)
			after = cs[len(cs)-1].ID
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	bad := 0
	err = st.View(ctx, func(tx ledger.Tx) error {
		for i := 0; i < cands && bad < 5; i++ {
			id := fmt.Sprintf("c%06d", i)
			want := int(min(max(pos-int64(cands+i*per), 0), int64(per))) // its results are rows cands+i*per+1 ...
			evs, _, err := tx.Stream(ctx, id)
			if err != nil {
				return err
			}
			got := 0
			for _, e := range evs {
				if e.Type == app.EvResult {
					got++
				}
			}
			v, err := tx.View(ctx, id)
			if err != nil {
				return err
			}
			if got != want || len(v.Results) != want {
				bad++
				t.Errorf("%s: %d result events and %d results stored at position %d, want %d", id, got, len(v.Results), pos, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
