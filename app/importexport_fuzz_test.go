package app_test

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger/sqlite"
)

// FuzzImport feeds arbitrary files to the import, the one parser of
// recert that reads whole files from outside: it must never panic, and a
// file it accepts must leave a database that exports.
//
//	go test ./app -run XXX -fuzz FuzzImport -fuzztime 60s
func FuzzImport(f *testing.F) {
	for _, seed := range []string{
		`{"kind":"candidate","id":"c1","name":"Ada","time_zone":"America/New_York"}` + "\n" +
			`{"kind":"result","candidate":"c1","exam":"AIF-C01","on":"2025-06-01T15:00:00Z","scaled_score":760}` + "\n" +
			`{"kind":"certification","candidate":"c1","certification":"cloud-practitioner","earned_on":"2024-02-29"}`,
		"kind,candidate,name,time_zone,exam,on,scaled_score\ncandidate,c2,Bo,UTC,,,\nresult,c2,,,CLF-C02,2025-01-02T10:00:00Z,640\n",
		`{"kind":"event","candidate":"c3","seq":1,"type":"result","data":{"exam":"AIF-C01","on":"2025-06-01T15:00:00Z","scaled_score":760},"recorded_at":"2026-01-01T00:00:00Z","program":"aws@2026.11.1"}`,
		`{"kind":"result","candidate":"c1","exam":"AIF-C01","on":"2025-06-01T15:00:00Z","raw_score":40,"form":"illustrative"}`,
		"kind\n\"unterminated",
		`{"kind":"candidate","id":"c1","name":"Ada","time_zone":"Mars/Olympus"}`,
		"",
	} {
		f.Add([]byte(seed))
	}
	db, err := sqlite.Open(context.Background(), filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	a := app.New(db, app.WithClock(func() time.Time { return time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC) }))
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		for _, format := range []string{"", "jsonl", "csv"} {
			rr, err := app.NewRowReader(bytes.NewReader(data), format)
			if err != nil {
				continue
			}
			// Refused rows and unreadable files are errors, reported; what
			// matters here is that nothing panics and nothing half-written stays.
			_, _ = a.Import(ctx, app.System, "fuzz", rr, app.ImportOptions{Restart: true, Batch: 3})
		}
		if err := a.Export(ctx, app.System, io.Discard); err != nil {
			t.Fatalf("after importing %q the database does not export: %v", data, err)
		}
	})
}
