package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/recert/recert/internal/pgtest"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/ledgertest"
	"github.com/recert/recert/ledger/postgres"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// open connects a store to url and closes it when t ends.
func open(t testing.TB, url string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return db
}

// fresh is a store on a new, empty database.
func fresh(t testing.TB) *postgres.DB {
	t.Helper()
	return open(t, pgtest.Server(t).NewDatabase(t))
}

// durable is a store on a new database of the durable server (fsync and
// synchronous commit on), for benchmarks: their figures are published.
func durable(b *testing.B) *postgres.DB {
	b.Helper()
	return open(b, pgtest.DurableServer(b).NewDatabase(b))
}

// TestSeatsAcrossServers books a 10-seat slot from two stores on one
// database, as two recert servers would, 100 goroutines each: exactly ten
// bookings may succeed, and every other one must be ErrFull.
func TestSeatsAcrossServers(t *testing.T) {
	url := pgtest.Server(t).NewDatabase(t)
	servers := []*postgres.DB{open(t, url), open(t, url)}
	ctx := context.Background()
	slot := time.Date(2030, 3, 4, 9, 0, 0, 0, time.UTC)
	err := servers[0].Update(ctx, func(tx ledger.Tx) error {
		return tx.CreateCenter(ctx, ledger.Center{ID: "c1", Name: "Center", TimeZone: "UTC", Seats: 10, CreatedAt: slot})
	})
	if err != nil {
		t.Fatalf("create center: %v", err)
	}

	var mu sync.Mutex
	booked, full := 0, 0
	var wg sync.WaitGroup
	for _, db := range servers {
		for range 100 {
			wg.Go(func() {
				err := db.Update(ctx, func(tx ledger.Tx) error { return tx.ReserveSeat(ctx, "c1", slot) })
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					booked++
				case errors.Is(err, ledger.ErrFull):
					full++
				default:
					t.Errorf("reserve: %v", err)
				}
			})
		}
	}
	wg.Wait()
	if booked != 10 || full != 190 {
		t.Errorf("booked %d, full %d; want 10 and 190", booked, full)
	}
	err = servers[1].View(ctx, func(tx ledger.Tx) error {
		n, err := tx.SeatsTaken(ctx, "c1", slot)
		if n != 10 {
			t.Errorf("SeatsTaken = %d, want 10", n)
		}
		return err
	})
	if err != nil {
		t.Fatalf("seats taken: %v", err)
	}
}

// TestAppendAcrossServers has two stores append to one stream at once,
// each writer reloading after ErrConflict: no event may be lost or
// duplicated, and the sequence must have no gap.
func TestAppendAcrossServers(t *testing.T) {
	url := pgtest.Server(t).NewDatabase(t)
	servers := []*postgres.DB{open(t, url), open(t, url)}
	ctx := context.Background()
	const writers, each = 8, 10
	var wg sync.WaitGroup
	for w := range writers {
		db := servers[w%2]
		wg.Go(func() {
			for i := range each {
				for {
					err := db.Update(ctx, func(tx ledger.Tx) error {
						_, version, err := tx.Stream(ctx, "cand")
						if err != nil {
							return err
						}
						data := json.RawMessage(fmt.Sprintf(`{"writer":%d,"i":%d}`, w, i))
						return tx.Append(ctx, "cand", version, []ledger.Event{{Type: "noted", Data: data, RecordedAt: time.Now()}})
					})
					if errors.Is(err, ledger.ErrConflict) {
						continue
					}
					if err != nil {
						t.Errorf("append: %v", err)
					}
					break
				}
			}
		})
	}
	wg.Wait()
	err := servers[0].View(ctx, func(tx ledger.Tx) error {
		events, version, err := tx.Stream(ctx, "cand")
		if err != nil {
			return err
		}
		if version != writers*each || len(events) != writers*each {
			t.Errorf("version %d with %d events, want %d", version, len(events), writers*each)
		}
		seen := map[string]bool{}
		for i, e := range events {
			if e.Seq != int64(i+1) {
				t.Errorf("event %d has seq %d", i, e.Seq)
			}
			if seen[string(e.Data)] {
				t.Errorf("event %s appended twice", e.Data)
			}
			seen[string(e.Data)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatalf("stream: %v", err)
	}
}

// TestMigrateOnce opens several stores on one new database at the same
// moment, as servers started together would: the advisory lock must make
// one migrate and the others find the schema in place.
func TestMigrateOnce(t *testing.T) {
	url := pgtest.Server(t).NewDatabase(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	dbs := make([]*postgres.DB, 4)
	errs := make([]error, len(dbs))
	for i := range dbs {
		wg.Go(func() { dbs[i], errs[i] = postgres.Open(ctx, url) })
	}
	wg.Wait()
	for i, db := range dbs {
		if errs[i] != nil {
			t.Errorf("open %d: %v", i, errs[i])
			continue
		}
		if err := db.Ready(ctx); err != nil {
			t.Errorf("ready %d: %v", i, err)
		}
		if err := db.Close(); err != nil {
			t.Errorf("close %d: %v", i, err)
		}
	}
}

// TestBytesAndTimes checks what PostgreSQL could change on the way: JSON
// must come back byte for byte (jsonb would reorder it) and times in UTC.
func TestBytesAndTimes(t *testing.T) {
	db := fresh(t)
	ctx := context.Background()
	data := json.RawMessage(`{ "b": 1,  "a": [2, 1] }`)
	at := time.Date(2030, 1, 2, 3, 4, 5, 123456000, time.FixedZone("X", 5*3600))
	err := db.Update(ctx, func(tx ledger.Tx) error {
		return tx.Append(ctx, "c", 0, []ledger.Event{{Type: "t", Data: data, RecordedAt: at, Program: "p@1"}})
	})
	if err != nil {
		t.Fatalf("append: %v", err)
	}
	err = db.View(ctx, func(tx ledger.Tx) error {
		events, _, err := tx.Stream(ctx, "c")
		if err != nil {
			return err
		}
		e := events[0]
		if string(e.Data) != string(data) || e.Decision != nil {
			t.Errorf("data %q, decision %q; want %q and nil", e.Data, e.Decision, data)
		}
		if !e.RecordedAt.Equal(at) || e.RecordedAt.Location() != time.UTC {
			t.Errorf("recorded at %v, want %v in UTC", e.RecordedAt, at)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("stream: %v", err)
	}
}

// TestStore runs the shared behaviour suite, each subtest on a new
// database. Updates run at once here, so the suite's races hold both
// transactions open together.
func TestStore(t *testing.T) {
	ledgertest.RunWith(t, func(t *testing.T) ledger.Store { return fresh(t) }, ledgertest.Options{ParallelUpdates: true})
}

// TestUpdateAfterPanic: a panic in fn must roll back and give the
// connection back to the pool.
func TestUpdateAfterPanic(t *testing.T) {
	db := fresh(t)
	ctx := t.Context()
	func() {
		defer func() { _ = recover() }()
		_ = db.Update(ctx, func(tx ledger.Tx) error {
			if err := tx.SetImportPosition(ctx, "x", 1); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	var pos int64
	err := db.View(ctx, func(tx ledger.Tx) (err error) {
		pos, err = tx.ImportPosition(ctx, "x")
		return err
	})
	if err != nil || pos != 0 {
		t.Errorf("ImportPosition after a panicking Update = %d, %v; want 0, nil", pos, err)
	}
}

// benchEvents is a batch of n typical events, the same as ledger/sqlite's
// benchmark writes, so that the figures compare.
func benchEvents(n int) []ledger.Event {
	events := make([]ledger.Event, n)
	for i := range events {
		events[i] = ledger.Event{
			Type:       "booked",
			Data:       json.RawMessage(`{"appointment":"a1","exam":"SAA-C03","center":"x1","slot":"2026-03-10T09:00:00Z","fee":{"minor":15000,"currency":"USD"}}`),
			RecordedAt: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
			Program:    "aws@2026.1",
			Decision:   json.RawMessage(`{"allowed":true,"rule":"booking-window","reasons":["within 60 days"]}`),
		}
	}
	return events
}

// benchEvent is one of them, for tests that need an event.
var benchEvent = benchEvents(1)[0]

// BenchmarkAppend measures events appended per second, one Update per
// batch, over 1,000 candidates' streams, from one goroutine, as
// ledger/sqlite's does: each Update is BEGIN, one compare-and-set insert
// statement, COMMIT, on the durable server (each COMMIT waits for its
// WAL flush).
//
//	go test ./ledger/postgres -run '^$' -bench Append -benchtime 3s
func BenchmarkAppend(b *testing.B) {
	for _, batch := range []int{1, 10} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			db := durable(b)
			ctx := b.Context()
			events := benchEvents(batch)
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

// BenchmarkAppendParallel appends one event per Update from several
// goroutines at once, each to its own stream, as a busy server does: what
// the pool sustains rather than one connection's round trips.
func BenchmarkAppendParallel(b *testing.B) {
	db := durable(b)
	ctx := b.Context()
	events := benchEvents(1)
	var writers atomic.Int64
	b.SetParallelism(4)
	b.RunParallel(func(pb *testing.PB) {
		me := writers.Add(1)
		var version int64
		for pb.Next() {
			err := db.Update(ctx, func(tx ledger.Tx) error {
				return tx.Append(ctx, fmt.Sprintf("cand-%04d", me), version, events)
			})
			if err != nil {
				b.Errorf("Append: %v", err)
				return
			}
			version++
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// TestStreamLocksInUpdate: a transaction that read a stream in Update (a
// rebuild, say) and then writes the candidate's view must not be
// overtaken by another server appending to that stream in between, or
// the view would be of a stale stream. The second server waits: the first
// holds its transaction open until PostgreSQL shows the second's backend
// blocked by another (pg_blocking_pids), and fails if the second's Update
// finishes first. (Checked: with Stream in Update not locking the row,
// the second Update finishes and the test fails.)
func TestStreamLocksInUpdate(t *testing.T) {
	url := pgtest.Server(t).NewDatabase(t)
	a, b := open(t, url), open(t, url)
	ctx := t.Context()
	if err := a.Update(ctx, func(tx ledger.Tx) error { return tx.Append(ctx, "c", 0, []ledger.Event{benchEvent}) }); err != nil {
		t.Fatalf("append: %v", err)
	}
	watch, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer watch.Close(context.Background())
	viewOf := func(version int64) ledger.View {
		return ledger.View{Candidate: "c", Appointments: []ledger.Appointment{{ID: "a1", Rev: version, Slot: benchEvent.RecordedAt, BookedAt: benchEvent.RecordedAt}}}
	}
	read := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		<-read
		done <- b.Update(ctx, func(tx ledger.Tx) error {
			_, v, err := tx.Stream(ctx, "c")
			if err != nil {
				return err
			}
			if err := tx.Append(ctx, "c", v, []ledger.Event{benchEvent}); err != nil {
				return err
			}
			return tx.ReplaceView(ctx, viewOf(v+1))
		})
	}()
	var overtaken error // set if b's Update ended while a held the stream
	err = a.Update(ctx, func(tx ledger.Tx) error {
		_, v, err := tx.Stream(ctx, "c")
		if err != nil {
			return err
		}
		close(read)
		for {
			select {
			case err := <-done:
				overtaken = fmt.Errorf("the second server's Update ended (%v) while the first held the stream", err)
				done <- err
				return overtaken
			default:
			}
			var blocked int
			if err := watch.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
				WHERE datname = current_database() AND cardinality(pg_blocking_pids(pid)) > 0`).Scan(&blocked); err != nil {
				return err
			}
			if blocked > 0 {
				break
			}
		}
		return tx.ReplaceView(ctx, viewOf(v))
	})
	if overtaken != nil {
		t.Fatal(overtaken)
	}
	if err != nil {
		t.Fatalf("rebuild-like update: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("second server's update: %v", err)
	}
	err = a.View(ctx, func(tx ledger.Tx) error {
		_, version, err := tx.Stream(ctx, "c")
		if err != nil {
			return err
		}
		appt, err := tx.Appointment(ctx, "a1")
		if err != nil {
			return err
		}
		if version != 2 || appt.Rev != 2 {
			t.Errorf("stream at %d, view of version %d; want both 2", version, appt.Rev)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("view: %v", err)
	}
}
