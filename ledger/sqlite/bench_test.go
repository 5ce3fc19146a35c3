package sqlite_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/sqlite"
)

// BenchmarkAppend measures events appended per second, one Update per
// batch, over 1,000 candidates' streams: each Update checks the version,
// inserts the batch and commits (WAL, synchronous=FULL: one fsync per
// Update, as this loop waits for each before the next).
//
//	go test ./ledger/sqlite -run '^$' -bench Append -benchtime 3s
func BenchmarkAppend(b *testing.B) {
	for _, batch := range []int{1, 10} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			ctx := b.Context()
			db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
			if err != nil {
				b.Fatalf("Open: %v", err)
			}
			defer db.Close()
			events := make([]ledger.Event, batch)
			for i := range events {
				events[i] = ledger.Event{
					Type:       "booked",
					Data:       json.RawMessage(`{"appointment":"a1","exam":"SAA-C03","center":"x1","slot":"2026-03-10T09:00:00Z","fee":{"minor":15000,"currency":"USD"}}`),
					RecordedAt: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
					Program:    "aws@2026.1",
					Decision:   json.RawMessage(`{"allowed":true,"rule":"booking-window","reasons":["within 60 days"]}`),
				}
			}
			const streams = 1000
			versions := make([]int64, streams)
			for i := 0; b.Loop(); i++ {
				c := i % streams
				err := db.Update(ctx, func(tx ledger.Tx) error {
					return tx.Append(ctx, fmt.Sprintf("cand-%04d", c), versions[c], events)
				})
				if err != nil {
					b.Fatalf("Append: %v", err)
				}
				versions[c] += int64(batch)
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
