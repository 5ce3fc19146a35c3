package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime/debug"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger/sqlite"
)

// benchExams are AWS exams the generated results cycle through.
var benchExams = []string{"CLF-C02", "SAA-C03", "DVA-C02", "SOA-C02", "DEA-C01", "SAP-C02", "ANS-C01", "SCS-C02"}

// genImport writes a JSONL import of n candidates with per results each.
// Grouped files list each candidate's results together (as a legacy
// system's export by candidate would); otherwise the results go round
// the candidates, so that every batch touches as many streams as it can.
func genImport(w io.Writer, n, per int, grouped bool) {
	for c := 0; c < n; c++ {
		fmt.Fprintf(w, `{"kind":"candidate","id":"c%06d","name":"Candidate %d","email":"c%d@example.com","time_zone":"Europe/Paris"}`+"\n", c, c, c)
	}
	base := time.Date(2018, 1, 1, 9, 0, 0, 0, time.UTC)
	result := func(c, k int) {
		on := base.Add(time.Duration(k*45+c%30) * 24 * time.Hour)
		score := 100 + (c*37+k*113)%900
		fmt.Fprintf(w, `{"kind":"result","candidate":"c%06d","exam":"%s","on":"%s","scaled_score":%d}`+"\n",
			c, benchExams[(c+k)%len(benchExams)], on.Format(time.RFC3339), score)
	}
	if grouped {
		for c := 0; c < n; c++ {
			for k := 0; k < per; k++ {
				result(c, k)
			}
		}
		return
	}
	for k := 0; k < per; k++ {
		for c := 0; c < n; c++ {
			result(c, k)
		}
	}
}

// BenchmarkImport imports 200,000 results of 20,000 candidates (10 each)
// into a new SQLite database and reports result rows per second (the
// candidate rows are imported too, and their time counted):
//
//	go test ./app -run '^$' -bench BenchmarkImport -benchtime 1x
//
// It runs with GOGC=400, as `recert import` does.
func BenchmarkImport(b *testing.B) {
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	const candidates, per = 20000, 10
	for _, grouped := range []bool{true, false} {
		name := "grouped"
		if !grouped {
			name = "interleaved"
		}
		b.Run(name, func(b *testing.B) {
			var file bytes.Buffer
			genImport(&file, candidates, per, grouped)
			ctx := context.Background()
			var elapsed time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), fmt.Sprintf("bench%d.db", i)))
				if err != nil {
					b.Fatal(err)
				}
				a := app.New(db)
				src, err := app.NewRowReader(bytes.NewReader(file.Bytes()), "")
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start := time.Now()
				rep, err := a.Import(ctx, app.System, "bench", src, app.ImportOptions{})
				elapsed += time.Since(start)
				b.StopTimer()
				if err != nil {
					b.Fatal(err)
				}
				if len(rep.Errors) > 0 || rep.Imported != candidates*(per+1) {
					b.Fatalf("imported %d rows, refused %d: %v", rep.Imported, len(rep.Errors), rep.Errors[:min(3, len(rep.Errors))])
				}
				db.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(candidates*per*b.N)/elapsed.Seconds(), "results/s")
		})
	}
}
