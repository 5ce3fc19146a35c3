package app_test

import (
	"strings"
	"testing"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

// TestImportRefusesWhatCannotHaveHappened: the facts the API refuses, an
// import refuses too, row by row, on both stores, and stores nothing of
// those rows: a sitting after the moment of the import, the same sitting
// twice (also once through an event row), a result recorded before its
// sitting, a result for a cancelled appointment, an event recorded in the
// future. (importClock is 2026-02-01T09:00:00Z.)
func TestImportRefusesWhatCannotHaveHappened(t *testing.T) {
	in := `{"kind":"candidate","id":"c1","name":"Ada"}
{"kind":"result","candidate":"c1","exam":"CLF-C02","on":"2026-02-02T15:00:00Z","scaled_score":800}
{"kind":"result","candidate":"c1","exam":"CLF-C02","on":"2025-03-01T15:00:00Z","scaled_score":640}
{"kind":"event","candidate":"c1","seq":2,"type":"result","data":{"exam":"CLF-C02","on":"2025-03-01T15:00:00Z","scaled_score":640},"recorded_at":"2025-03-02T00:00:00Z","program":"aws@2026.11.1"}
{"kind":"event","candidate":"c1","seq":2,"type":"result","data":{"exam":"AIF-C01","on":"2025-06-01T15:00:00Z","scaled_score":640},"recorded_at":"2025-05-01T00:00:00Z","program":"aws@2026.11.1"}
{"kind":"event","candidate":"c1","seq":2,"type":"result","data":{"exam":"AIF-C01","on":"2025-06-01T15:00:00Z","scaled_score":640},"recorded_at":"2030-01-01T00:00:00Z","program":"aws@2026.11.1"}
{"kind":"event","candidate":"c1","seq":2,"type":"booked","data":{"appointment":"a1","exam":"AIF-C01","center":"tc1","slot":"2025-07-01T15:00:00Z","at":"2025-06-01T00:00:00Z"},"recorded_at":"2025-06-01T00:00:00Z","program":"aws@2026.11.1"}
{"kind":"event","candidate":"c1","seq":3,"type":"cancelled","data":{"appointment":"a1","at":"2025-06-02T00:00:00Z"},"recorded_at":"2025-06-02T00:00:00Z","program":"aws@2026.11.1"}
{"kind":"event","candidate":"c1","seq":4,"type":"sat","data":{"appointment":"a1","scaled_score":800},"recorded_at":"2025-07-02T00:00:00Z","program":"aws@2026.11.1"}
`
	want := []string{
		`row 2: on: the sitting 2026-02-02T15:00:00Z is after the moment it is recorded`,
		`row 4: data: a second result for CLF-C02 sat at 2025-03-01T15:00:00Z`,
		`row 5: data: a result for AIF-C01 sat at 2025-06-01T15:00:00Z was recorded at 2025-05-01T00:00:00Z, before the sitting`,
		`row 6: recorded_at: recorded_at 2030-01-01T00:00:00Z is after the moment of the import`,
		`row 9: data: a result for appointment a1, which was cancelled`,
	}
	eachStore(t, func(t *testing.T, st ledger.Store) {
		a := importApp(st)
		if _, err := a.CreateCenter(t.Context(), app.System, app.CenterInput{ID: "tc1", Name: "Seattle", Seats: 5}); err != nil {
			t.Fatal(err)
		}
		rep := mustImport(t, a, "facts", "jsonl", in, app.ImportOptions{})
		if len(rep.Errors) != len(want) {
			t.Fatalf("%d refused rows, want %d: %v", len(rep.Errors), len(want), rep.Errors)
		}
		for i, w := range want {
			if got := rep.Errors[i].Error(); !strings.HasPrefix(got, w) {
				t.Errorf("refusal %d: %q\nwant it to start %q", i, got, w)
			}
		}
		if rep.Imported != 4 {
			t.Errorf("imported %d rows, want 4 (the candidate, one result, the booking, the cancel)", rep.Imported)
		}
		s, err := a.Standing(t.Context(), app.System, "c1")
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Results) != 1 || len(s.Certifications) != 0 || len(s.Vouchers) != 0 {
			t.Errorf("stored %d results, %d certifications, %d vouchers; want only the failed 2025-03-01 sitting",
				len(s.Results), len(s.Certifications), len(s.Vouchers))
		}
	})
}
