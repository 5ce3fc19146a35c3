package app_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

var importClock = time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)

func importApp(st ledger.Store) *app.App {
	return app.New(st, app.WithClock(func() time.Time { return importClock }))
}

func runImport(t *testing.T, a *app.App, name, format, text string, opts app.ImportOptions) (app.ImportReport, error) {
	t.Helper()
	src, err := app.NewRowReader(strings.NewReader(text), format)
	if err != nil {
		t.Fatal(err)
	}
	return a.Import(context.Background(), app.System, name, src, opts)
}

func mustImport(t *testing.T, a *app.App, name, format, text string, opts app.ImportOptions) app.ImportReport {
	t.Helper()
	rep, err := runImport(t, a, name, format, text, opts)
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	return rep
}

func export(t *testing.T, a *app.App) string {
	t.Helper()
	var b bytes.Buffer
	if err := a.Export(context.Background(), app.System, &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

const formatsJSONL = `{"kind":"candidate","id":"c1","name":"Ada","email":"ada@example.com","time_zone":"America/New_York"}
{"kind":"candidate","id":"c2","name":"Bo","time_zone":"Europe/Paris"}
{"kind":"result","candidate":"c1","exam":"CLF-C02","on":"2025-03-01T15:00:00Z","scaled_score":640}
{"kind":"result","candidate":"c1","exam":"CLF-C02","on":"2025-04-01T15:00:00Z","scaled_score":810}
{"kind":"result","candidate":"c2","exam":"AIF-C01","on":"2025-05-01T09:00:00Z","raw_score":40,"form":"illustrative"}
{"kind":"certification","candidate":"c2","certification":"solutions-architect-associate","earned_on":"2024-06-30"}
`

const formatsCSV = `kind,candidate,name,email,time_zone,exam,on,scaled_score,raw_score,form,certification,earned_on
candidate,c1,Ada,ada@example.com,America/New_York,,,,,,,
candidate,c2,Bo,,Europe/Paris,,,,,,,
result,c1,,,,CLF-C02,2025-03-01T15:00:00Z,640,,,,
result,c1,,,,CLF-C02,2025-04-01T15:00:00Z,810,,,,
result,c2,,,,AIF-C01,2025-05-01T09:00:00Z,,40,illustrative,,
certification,c2,,,,,,,,,solutions-architect-associate,2024-06-30
`

// TestImportFormats: the same rows in JSONL and in CSV store the same
// state, and a certification from a legacy system is a pass of its line's
// exam at the passing score, marked as imported.
func TestImportFormats(t *testing.T) {
	var exports []string
	for _, f := range []struct{ format, text string }{{"jsonl", formatsJSONL}, {"", formatsJSONL}, {"csv", formatsCSV}, {"", formatsCSV}} {
		a := importApp(stores["sqlite"](t))
		rep := mustImport(t, a, "legacy", f.format, f.text, app.ImportOptions{})
		if len(rep.Errors) > 0 || rep.Imported != 6 {
			t.Fatalf("%q: imported %d, refused %v", f.format, rep.Imported, rep.Errors)
		}
		exports = append(exports, export(t, a))
		st, err := a.Standing(context.Background(), app.System, "c2")
		if err != nil {
			t.Fatal(err)
		}
		held := map[string]string{}
		for _, c := range st.Certifications {
			held[c.Certification.Certification] = c.EarnedOn + ".." + c.ExpiresOn
			if c.Certification.Certification == "solutions-architect-associate" && (len(c.History) != 1 || c.BasisExam != "SAA-C03") {
				t.Errorf("imported certification %+v: want earned by SAA-C03 with its earned event", c)
			}
		}
		want := map[string]string{"ai-practitioner": "2025-05-01..2028-05-01", "solutions-architect-associate": "2024-06-30..2027-06-30"}
		if !reflect.DeepEqual(held, want) {
			t.Errorf("%q: c2 holds %v, want %v", f.format, held, want)
		}
		if n := len(st.Vouchers); n != 2 {
			t.Errorf("%q: c2 has %d vouchers, want 2 (one a pass)", f.format, n)
		}
	}
	for i := 1; i < len(exports); i++ {
		if exports[i] != exports[0] {
			t.Errorf("import %d stored another state than import 0:\n%s\n---\n%s", i, exports[i], exports[0])
		}
	}
	if !strings.Contains(exports[0], `"reason":"imported certification"`) || !strings.Contains(exports[0], `"scaled_score":720`) {
		t.Errorf("the certification's result event is not marked imported at SAA-C03's passing score:\n%s", exports[0])
	}
}

// TestImportRowErrors: every refused row is reported with its line number
// and field, and the rows around it are imported.
func TestImportRowErrors(t *testing.T) {
	in := `{"kind":"candidate","id":"c1","name":"Ada"}
{"kind":"result","candidate":"c1","exam":"XYZ-C01","on":"2025-03-01T15:00:00Z","scaled_score":640}
{"kind":"result","candidate":"c1","exam":"CLF-C02","on":"yesterday","scaled_score":640}
{"kind":"result","candidate":"c1","exam":"CLF-C02","on":"2025-03-01T15:00:00Z","scaled_score":1200}
{"kind":"result","candidate":"ghost","exam":"CLF-C02","on":"2025-03-01T15:00:00Z","scaled_score":640}
{"kind":"result",
{"kind":"result","candidate":"c1","exam":"CLF-C02","on":"2025-03-01T15:00:00Z","scaled_scor":700}

{"kind":"result","candidate":"c1","exam":"CLF-C02","on":"2025-03-01T15:00:00Z","scaled_score":640}
{"kind":"nope"}
{"kind":"certification","candidate":"c1","certification":"astronaut","earned_on":"2024-01-01"}
{"kind":"certification","candidate":"c1","certification":"cloud-practitioner","earned_on":"2024-02-30"}
{"kind":"result","candidate":"c1","exam":"CLF-C02","on":"2025-03-01T15:00:00Z","scaled_score":640}
{"kind":"candidate","id":"c1","name":"Someone else"}
{"kind":"candidate","id":"c 2","name":"Bad id"}
{"kind":"result","candidate":"c1","exam":"AIF-C01","on":"2025-03-01T15:00:00Z","raw_score":10}
`
	a := importApp(stores["sqlite"](t))
	rep := mustImport(t, a, "errors", "", in, app.ImportOptions{Batch: 4})
	want := []string{
		"row 2: exam: program aws@",
		"row 3: on: \"yesterday\" is not an RFC 3339 time",
		"row 4: scaled_score: 1200 is not on CLF-C02's scale 100-1000 (E3)",
		"row 5: candidate: candidate \"ghost\" is not known",
		"row 6: not a JSON object",
		"row 7: scaled_scor: unknown field",
		"row 10: kind: unknown kind \"nope\"",
		"row 11: certification: program aws@",
		"row 12: earned_on: \"2024-02-30\": date 2024-02-30 does not exist",
		"row 13: on: a result of CLF-C02 at 2025-03-01T15:00:00Z is already recorded for c1",
		"row 14: id: candidate \"c1\" already exists with other details",
		"row 15: id: id \"c 2\" must be",
		"row 16: form: a raw score needs the form it was taken on (E5)",
	}
	if len(rep.Errors) != len(want) {
		t.Fatalf("%d errors, want %d: %v", len(rep.Errors), len(want), rep.Errors)
	}
	for i, w := range want {
		if got := rep.Errors[i].Error(); !strings.HasPrefix(got, w) {
			t.Errorf("error %d: %q, want it to start %q", i, got, w)
		}
	}
	if rep.Imported != 2 || rep.Position != 16 || rep.Batches != 4 {
		t.Errorf("imported %d rows to position %d in %d batches; want 2 to 16 in 4", rep.Imported, rep.Position, rep.Batches)
	}

	csvIn := "kind,candidate,name,exam,on,scaled_score\n" +
		"candidate,c9,Cy,,,\n" +
		"result,c9,,CLF-C02,2025-03-01T15:00:00Z,lots\n" +
		"result,c9,,CLF-C02\n" +
		"result,c9,,CLF-C02,\"2025-03-02\nT15:00:00Z\",700\n" +
		"result,c9,,CLF-C02,2025-03-03T15:00:00Z,700\n"
	rep = mustImport(t, a, "errors.csv", "csv", csvIn, app.ImportOptions{})
	want = []string{"row 3: scaled_score: \"lots\" is not a whole number", "row 4: 4 cells for 6 columns", "row 5: on: "}
	if len(rep.Errors) != len(want) || rep.Imported != 2 || rep.Position != 7 {
		t.Fatalf("CSV: imported %d to %d, errors %v; want 2 to 7 and %v", rep.Imported, rep.Position, rep.Errors, want)
	}
	for i, w := range want {
		if got := rep.Errors[i].Error(); !strings.HasPrefix(got, w) {
			t.Errorf("CSV error %d: %q, want it to start %q", i, got, w)
		}
	}
	if _, err := runImport(t, a, "bad header", "csv", "kind,candidate,score\n", app.ImportOptions{}); err == nil {
		t.Error("a CSV header with an unknown column was accepted")
	}
}

// failAfter is a source that breaks (a read error, not a bad row) after n rows.
type failAfter struct {
	app.RowReader
	n int
}

func (f *failAfter) Next() (app.Row, error) {
	if f.n == 0 {
		return app.Row{}, errors.New("the disk went away")
	}
	f.n--
	return f.RowReader.Next()
}

// TestImportResume: an import that stops part-way has stored whole batches
// only, and a second run resumes after the stored position and ends in the
// state one uninterrupted run gives.
func TestImportResume(t *testing.T) {
	var file bytes.Buffer
	genImport(&file, 30, 3, true) // rows 1-30 candidates, 31-120 results
	once := importApp(stores["sqlite"](t))
	mustImport(t, once, "f", "", file.String(), app.ImportOptions{Batch: 10})
	want := export(t, once)

	eachStore(t, func(t *testing.T, st ledger.Store) {
		a := importApp(st)
		src, _ := app.NewRowReader(bytes.NewReader(file.Bytes()), "")
		rep, err := a.Import(context.Background(), app.System, "f", &failAfter{src, 45}, app.ImportOptions{Batch: 10})
		if err == nil || rep.Position != 40 {
			t.Fatalf("interrupted import: position %d, %v; want 40 and the read error", rep.Position, err)
		}
		var done []int64
		rep = mustImport(t, a, "f", "", file.String(), app.ImportOptions{Batch: 10, Total: 120,
			Progress: func(d, total int64) { done = append(done, d) }})
		if rep.From != 40 || rep.Position != 120 || rep.Imported != 80 || len(rep.Errors) != 0 {
			t.Fatalf("resumed %+v: want from 40 to 120, 80 rows", rep)
		}
		if !reflect.DeepEqual(done, []int64{50, 60, 70, 80, 90, 100, 110, 120}) {
			t.Errorf("progress %v", done)
		}
		if got := export(t, a); got != want {
			t.Errorf("resumed import differs from one run:\n%s", diffLine(got, want))
		}
		rep = mustImport(t, a, "f", "", file.String(), app.ImportOptions{Batch: 10})
		if rep.From != 120 || rep.Read != 0 || rep.Batches != 0 {
			t.Errorf("a finished import run again: %+v, want nothing read", rep)
		}
		rep = mustImport(t, a, "f", "", file.String(), app.ImportOptions{Batch: 10, Restart: true})
		if rep.Imported != 30 || len(rep.Errors) != 90 {
			t.Errorf("restart: %d imported (the unchanged candidates), %d refused (results already recorded); want 30 and 90", rep.Imported, len(rep.Errors))
		}
		if got := export(t, a); got != want {
			t.Errorf("a restarted import changed the state:\n%s", diffLine(got, want))
		}
	})
}

func diffLine(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) && i < len(w); i++ {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d:\n got  %s\n want %s", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("%d lines, want %d", len(g), len(w))
}

// failingStore breaks ReplaceView for one candidate: a store failure in
// the middle of a batch, after other candidates' events were written.
type failingStore struct {
	ledger.Store
	candidate string
}

func (s failingStore) Update(ctx context.Context, fn func(ledger.Tx) error) error {
	return s.Store.Update(ctx, func(tx ledger.Tx) error { return fn(failingTx{tx, s.candidate}) })
}

type failingTx struct {
	ledger.Tx
	candidate string
}

func (t failingTx) ReplaceView(ctx context.Context, v ledger.View) error {
	if v.Candidate == t.candidate {
		return io.ErrUnexpectedEOF
	}
	return t.Tx.ReplaceView(ctx, v)
}

// TestImportBatchIsAllOrNothing: a batch that fails half-way stores
// nothing, not even the streams it wrote before the failure, and leaves
// the position at the batch before.
func TestImportBatchIsAllOrNothing(t *testing.T) {
	var file bytes.Buffer
	genImport(&file, 30, 3, true) // batch 4 is rows 31-40: c000000-c000003's results
	eachStore(t, func(t *testing.T, st ledger.Store) {
		a := importApp(failingStore{st, "c000002"})
		rep, err := runImport(t, a, "f", "", file.String(), app.ImportOptions{Batch: 10})
		if err == nil || rep.Position != 30 {
			t.Fatalf("position %d, %v: want the failure at position 30", rep.Position, err)
		}
		err = st.View(context.Background(), func(tx ledger.Tx) error {
			if pos, err := tx.ImportPosition(context.Background(), "f"); err != nil || pos != 30 {
				t.Errorf("stored position %d, %v; want 30", pos, err)
			}
			ids, err := tx.StreamIDs(context.Background(), "", 0)
			if len(ids) != 0 {
				t.Errorf("streams %v were stored by the failed batch", ids)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		rep = mustImport(t, importApp(st), "f", "", file.String(), app.ImportOptions{Batch: 10})
		if rep.From != 30 || rep.Imported != 90 {
			t.Errorf("rerun %+v: want 90 rows after 30", rep)
		}
	})
}

// TestImportIsAdminWork: staff may neither import nor export.
func TestImportIsAdminWork(t *testing.T) {
	a := importApp(stores["sqlite"](t))
	staff := app.Principal{Role: app.RoleStaff, TokenID: "t"}
	src, _ := app.NewRowReader(strings.NewReader(formatsJSONL), "")
	if _, err := a.Import(context.Background(), staff, "x", src, app.ImportOptions{}); app.ErrorCode(err) != app.CodeForbidden {
		t.Errorf("staff import: %v, want forbidden", err)
	}
	if err := a.Export(context.Background(), staff, io.Discard); app.ErrorCode(err) != app.CodeForbidden {
		t.Errorf("staff export: %v, want forbidden", err)
	}
}

// bulkStore offers app.BulkTx on top of the per-stream calls, counting the
// bulk calls, so the import's bulk path is tested on every store.
type bulkStore struct {
	ledger.Store
	calls *int
}

func (s bulkStore) Update(ctx context.Context, fn func(ledger.Tx) error) error {
	return s.Store.Update(ctx, func(tx ledger.Tx) error { return fn(bulkTx{tx, s.calls}) })
}

type bulkTx struct {
	ledger.Tx
	calls *int
}

var _ app.BulkTx = bulkTx{}

func (t bulkTx) AppendStreams(ctx context.Context, ids []string, expected []int64, events [][]ledger.Event) error {
	*t.calls++
	for i := range ids {
		if err := t.Append(ctx, ids[i], expected[i], events[i]); err != nil {
			return err
		}
	}
	return nil
}

func (t bulkTx) ReplaceViews(ctx context.Context, views []ledger.View) error {
	*t.calls++
	for _, v := range views {
		if err := t.ReplaceView(ctx, v); err != nil {
			return err
		}
	}
	return nil
}

// TestImportUsesBulkWrites: a store that offers BulkTx gets two calls a
// batch, and the same state as through the per-stream calls.
func TestImportUsesBulkWrites(t *testing.T) {
	var file bytes.Buffer
	genImport(&file, 30, 3, false)
	plain := importApp(stores["sqlite"](t))
	mustImport(t, plain, "f", "", file.String(), app.ImportOptions{Batch: 25})
	eachStore(t, func(t *testing.T, st ledger.Store) {
		calls := 0
		a := importApp(bulkStore{st, &calls})
		rep := mustImport(t, a, "f", "", file.String(), app.ImportOptions{Batch: 25})
		if calls != 2*(rep.Batches-1) { // the first batch only creates candidates
			t.Errorf("%d bulk calls for %d batches", calls, rep.Batches)
		}
		if got, want := export(t, a), export(t, plain); got != want {
			t.Errorf("bulk import differs:\n%s", diffLine(got, want))
		}
	})
}
