package sqlite_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync/atomic"
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

// BenchmarkAppendParallel appends one event per Update from 8 goroutines
// at once (SetParallelism(4) on 2 cores), each to its own stream, as
// ledger/postgres's does: the Updates waiting for the writer commit in
// groups, one fsync for several. It reports Updates per commit.
//
//	go test ./ledger/sqlite -run '^$' -bench AppendParallel -benchtime 3s
func BenchmarkAppendParallel(b *testing.B) {
	ctx := b.Context()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatalf("Open: %v", err)
	}
	defer db.Close()
	event := ledger.Event{
		Type:       "booked",
		Data:       json.RawMessage(`{"appointment":"a1","exam":"SAA-C03","center":"x1","slot":"2026-03-10T09:00:00Z","fee":{"minor":15000,"currency":"USD"}}`),
		RecordedAt: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
		Program:    "aws@2026.1",
		Decision:   json.RawMessage(`{"allowed":true,"rule":"booking-window","reasons":["within 60 days"]}`),
	}
	var writers atomic.Int64
	before := db.Stats()
	b.SetParallelism(4)
	b.RunParallel(func(pb *testing.PB) {
		me := writers.Add(1)
		var version int64
		for pb.Next() {
			err := db.Update(ctx, func(tx ledger.Tx) error {
				return tx.Append(ctx, fmt.Sprintf("cand-%04d", me), version, []ledger.Event{event})
			})
			if err != nil {
				b.Errorf("Append: %v", err)
				return
			}
			version++
		}
	})
	after := db.Stats()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(after.Committed-before.Committed)/float64(after.Commits-before.Commits), "updates/commit")
}
