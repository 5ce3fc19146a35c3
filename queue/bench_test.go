package queue_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/sqlite"
	"github.com/recert/recert/queue"
)

// BenchmarkEnqueue queues notice jobs as the sweep does, 2,000 a ledger
// transaction, on SQLite (docs/performance.md, the sweep): a first sweep
// over a million certifications queues about 168,000.
//
//	go test ./queue -run '^$' -bench Enqueue -benchtime 20x
func BenchmarkEnqueue(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "enqueue.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	q, err := queue.NewSQLite(db, nil, queue.Config{InsertOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	due := time.Date(2027, 6, 1, 13, 0, 0, 0, time.UTC)
	n := 0
	for b.Loop() {
		jobs := make([]app.Job, 2000)
		for i := range jobs {
			n++
			jobs[i] = app.Job{Kind: app.JobNotice, At: due, Notice: ledger.Notice{Candidate: fmt.Sprintf("cand-%07d", n),
				Kind: "expiry_reminder", Subject: "cloud-practitioner", Due: due}}
		}
		if err := db.Update(ctx, func(tx ledger.Tx) error { return q.Enqueue(ctx, tx, jobs) }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "jobs/s")
}
