package app_test

import (
	"context"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

// richHistory drives a store through the API: a second program, centers,
// bookings rescheduled, cancelled, sat and missed, results without
// appointments, an imported certification and a token.
func richHistory(t *testing.T, f *fixture) {
	t.Helper()
	ctx := f.ctx
	src, err := os.ReadFile("../programs/google-cloud.yaml")
	if err != nil {
		t.Fatal(err)
	}
	info, err := f.a.UploadProgram(ctx, app.System, "google-cloud.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.ActivateProgram(ctx, app.System, info.ID, info.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.CreateCenter(ctx, app.System, app.CenterInput{ID: "online", Name: "Online <proctored>", Online: true, Seats: 500}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"c0", "c1", "c2", "c3"} {
		f.candidate(t, id)
	}
	if _, err := f.a.CreateCandidate(ctx, app.System, app.CandidateInput{ID: "g1", Name: "Grace", Email: "g@example.com", Program: "google-cloud"}); err != nil {
		t.Fatal(err)
	}
	book := func(c, exam, at string) ledger.Appointment {
		ap, err := f.a.Book(ctx, app.System, app.BookInput{Candidate: c, Exam: exam, Center: "tc1", Slot: slot(at)})
		if err != nil {
			t.Fatal(err)
		}
		return ap
	}
	a0, a1 := book("c0", "AIF-C01", "2026-03-01T14:00:00Z"), book("c1", "AIF-C01", "2026-03-01T14:00:00Z")
	a2, a3 := book("c2", "CLF-C02", "2026-03-01T14:00:00Z"), book("c3", "CLF-C02", "2026-03-02T14:00:00Z")
	if _, err := f.a.Reschedule(ctx, app.System, app.RescheduleInput{Change: app.Change{Appointment: a3.ID}, Slot: slot("2026-03-03T14:00:00Z")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.Cancel(ctx, app.System, app.Change{Appointment: a2.ID}); err != nil {
		t.Fatal(err)
	}
	f.clk.set("2026-03-04T10:00:00Z")
	for ap, sc := range map[string]int{a0.ID: 640, a1.ID: 760} {
		if _, err := f.a.RecordResult(ctx, app.System, app.ResultInput{Appointment: ap, Scaled: score(sc)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.a.NoShow(ctx, app.System, app.Change{Appointment: a3.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.RecordResult(ctx, app.System, app.ResultInput{Candidate: "c3", Exam: "CLF-C02", On: slot("2025-01-10T15:00:00Z"), Scaled: score(800)}); err != nil {
		t.Fatal(err)
	}
	book("c1", "MLA-C01", "2026-05-10T14:00:00Z")
	if _, _, err := f.a.CreateToken(ctx, app.System, app.TokenInput{Role: app.RoleStaff, Name: "desk"}); err != nil {
		t.Fatal(err)
	}
	rep, err := runImport(t, f.a, "legacy", "", `{"kind":"certification","candidate":"c2","certification":"cloud-practitioner","earned_on":"2024-06-30"}`+"\n", app.ImportOptions{})
	if err != nil || len(rep.Errors) > 0 {
		t.Fatalf("certification import: %v %v", err, rep.Errors)
	}
}

// state is what a store holds for the candidates of richHistory, read
// models and seats included.
func state(t *testing.T, st ledger.Store) map[string]any {
	t.Helper()
	ctx := context.Background()
	out := map[string]any{}
	err := st.View(ctx, func(tx ledger.Tx) error {
		for _, id := range []string{"c0", "c1", "c2", "c3", "g1"} {
			v, err := tx.View(ctx, id)
			if err != nil {
				return err
			}
			out[id] = v
		}
		for _, s := range []string{"2026-03-01T14:00:00Z", "2026-03-02T14:00:00Z", "2026-03-03T14:00:00Z", "2026-05-10T14:00:00Z"} {
			n, err := tx.SeatsTaken(ctx, "tc1", slot(s))
			if err != nil {
				return err
			}
			out["seats "+s] = n
		}
		p, err := tx.ActiveProgram(ctx, "google-cloud")
		out["google-cloud"] = p.Version
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestExportImportExport: an export imported into an empty database and
// exported again is the same bytes, and the two databases hold the same
// read models and seats. No token leaves the database.
func TestExportImportExport(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		f := newFixture(t, st)
		richHistory(t, f)
		first := export(t, f.a)
		for _, kind := range []string{`"kind":"program"`, `"kind":"center"`, `"kind":"candidate"`, `"kind":"event"`, `"type":"no_show"`, `"type":"rescheduled"`} {
			if !strings.Contains(first, kind) {
				t.Errorf("the export has no %s", kind)
			}
		}
		if strings.Contains(first, "tok_") || strings.Contains(first, "rct_") || strings.Contains(first, "desk") {
			t.Error("the export carries a token")
		}
		for name, open := range stores {
			t.Run("into "+name, func(t *testing.T) {
				st2 := open(t)
				b := app.New(st2)
				rep := mustImport(t, b, "export", "", first, app.ImportOptions{Batch: 7})
				if len(rep.Errors) > 0 {
					t.Fatalf("the export does not import: %v", rep.Errors)
				}
				if second := export(t, b); second != first {
					t.Fatalf("export -> import -> export differs:\n%s", diffLine(second, first))
				}
				if got, want := state(t, st2), state(t, st); !reflect.DeepEqual(got, want) {
					t.Errorf("imported state differs:\n got %+v\nwant %+v", got, want)
				}
			})
		}
	})
}

// TestImportMatchesRecordResult: importing results leaves the very events
// and read models that recording them one by one through the API leaves,
// vouchers and certifications included.
func TestImportMatchesRecordResult(t *testing.T) {
	rows := []struct {
		exam, on string
		score    int
	}{
		{"CLF-C02", "2020-01-10T15:00:00Z", 640}, {"CLF-C02", "2020-02-10T15:00:00Z", 760},
		{"SAA-C03", "2021-06-01T09:00:00Z", 900}, {"SAA-C03", "2021-03-01T09:00:00Z", 500},
		{"DVA-C02", "2023-01-05T09:00:00Z", 720}, {"SAA-C03", "2024-05-01T09:00:00Z", 719},
		{"SAA-C03", "2024-05-20T09:00:00Z", 800}, {"CLF-C02", "2019-12-01T15:00:00Z", 999},
	}
	api := importApp(stores["sqlite"](t))
	imp := importApp(stores["sqlite"](t))
	in := `{"kind":"candidate","id":"c1","name":"Ada","time_zone":"Asia/Tokyo"}` + "\n"
	if _, err := api.CreateCandidate(context.Background(), app.System, app.CandidateInput{ID: "c1", Name: "Ada", TimeZone: "Asia/Tokyo"}); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if _, err := api.RecordResult(context.Background(), app.System, app.ResultInput{Candidate: "c1", Exam: r.exam, On: slot(r.on), Scaled: score(r.score)}); err != nil {
			t.Fatal(err)
		}
		in += `{"kind":"result","candidate":"c1","exam":"` + r.exam + `","on":"` + r.on + `","scaled_score":` + strconv.Itoa(r.score) + "}\n"
	}
	for _, batch := range []int{1, 3, 100} {
		imp := imp
		if batch != 1 {
			imp = importApp(stores["sqlite"](t))
		}
		if rep := mustImport(t, imp, "r", "", in, app.ImportOptions{Batch: batch}); len(rep.Errors) > 0 {
			t.Fatal(rep.Errors)
		}
		if got, want := export(t, imp), export(t, api); got != want {
			t.Errorf("batch %d: imported stream differs from the API's:\n%s", batch, diffLine(got, want))
		}
	}
	sa, _ := api.Standing(context.Background(), app.System, "c1")
	si, _ := imp.Standing(context.Background(), app.System, "c1")
	if !reflect.DeepEqual(sa, si) {
		t.Errorf("standing differs:\n api    %+v\n import %+v", sa, si)
	}
}
