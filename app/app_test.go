package app_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/sqlite"
)

// clock is a test clock that only moves when told to.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	c.t = t
}

// stores lists the databases the use cases are tested on. PostgreSQL joins
// them in postgres_test.go when its binaries are installed.
var stores = map[string]func(t *testing.T) ledger.Store{
	"sqlite": func(t *testing.T) ledger.Store {
		db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "recert.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	},
}

func eachStore(t *testing.T, f func(t *testing.T, st ledger.Store)) {
	for name, open := range stores {
		t.Run(name, func(t *testing.T) { f(t, open(t)) })
	}
}

type fixture struct {
	a   *app.App
	clk *clock
	st  ledger.Store
	ctx context.Context
	n   int
}

func newFixture(t *testing.T, st ledger.Store) *fixture {
	f := &fixture{clk: &clock{}, st: st, ctx: context.Background()}
	f.clk.set("2026-02-01T09:00:00Z")
	f.a = app.New(st, app.WithClock(f.clk.now), app.WithIDs(func(p string) string {
		f.n++
		return fmt.Sprintf("%s%04d", p, f.n)
	}))
	if _, err := f.a.CreateCenter(f.ctx, app.System, app.CenterInput{ID: "tc1", Name: "Seattle", Seats: 10}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) candidate(t *testing.T, id string) {
	t.Helper()
	if _, err := f.a.CreateCandidate(f.ctx, app.System, app.CandidateInput{ID: id, Name: "Ada " + id, TimeZone: "America/New_York"}); err != nil {
		t.Fatal(err)
	}
}

func slot(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func score(n int) *int { return &n }

func mustCode(t *testing.T, err error, want app.Code) *app.Error {
	t.Helper()
	if app.ErrorCode(err) != want {
		t.Fatalf("error %v: want code %s", err, want)
	}
	e, _ := err.(*app.Error)
	return e
}

// TestWalkThrough is the README's story: book, fail, be refused a retake
// with its date and reason, pass, hold the certification and a voucher,
// spend the voucher at half price, cancel in time and get both back.
func TestWalkThrough(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		f := newFixture(t, st)
		f.candidate(t, "c1")
		ap, err := f.a.Book(f.ctx, app.System, app.BookInput{Candidate: "c1", Exam: "AIF-C01", Center: "tc1", Slot: slot("2026-03-01T14:00:00Z")})
		if err != nil {
			t.Fatal(err)
		}
		if ap.State != "open" || ap.FeeMinor != 10000 || ap.Currency != "USD" {
			t.Fatalf("booked %+v: want open, 100.00 USD", ap)
		}
		f.clk.set("2026-03-02T10:00:00Z")
		if _, err := f.a.RecordResult(f.ctx, app.System, app.ResultInput{Appointment: ap.ID, Scaled: score(640)}); err != nil {
			t.Fatal(err)
		}
		_, err = f.a.Book(f.ctx, app.System, app.BookInput{Candidate: "c1", Exam: "AIF-C01", Center: "tc1", Slot: slot("2026-03-14T14:00:00Z")})
		e := mustCode(t, err, app.CodeRefused)
		if len(e.Reasons) != 1 || e.Reasons[0] != "retake_wait" || e.EarliestDate != "2026-03-15" || len(e.Explanation) == 0 {
			t.Fatalf("refusal %+v: want retake_wait from 2026-03-15 with an explanation (R1)", e)
		}
		ap2, err := f.a.Book(f.ctx, app.System, app.BookInput{Candidate: "c1", Exam: "AIF-C01", Center: "tc1", Slot: slot("2026-03-15T14:00:00Z")})
		if err != nil {
			t.Fatal(err)
		}
		// The result posts five days after the sitting; the term runs from the sitting (V1).
		f.clk.set("2026-03-20T10:00:00Z")
		r, err := f.a.RecordResult(f.ctx, app.System, app.ResultInput{Appointment: ap2.ID, Scaled: score(760)})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Passed || !r.SatAt.Equal(slot("2026-03-15T14:00:00Z")) {
			t.Fatalf("result %+v: want a pass sat at the slot", r)
		}
		s, err := f.a.Standing(f.ctx, app.System, "c1")
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Certifications) != 1 || s.Certifications[0].State != "active" || s.Certifications[0].ExpiresOn != "2029-03-15" {
			t.Fatalf("certifications %+v: want ai-practitioner active to 2029-03-15", s.Certifications)
		}
		if len(s.Certifications[0].History) != 1 {
			t.Errorf("certification history %+v: want the earned event", s.Certifications[0].History)
		}
		if len(s.Vouchers) != 1 || s.Vouchers[0].State != "unused" {
			t.Fatalf("vouchers %+v: want one unused (V5)", s.Vouchers)
		}
		ap3, err := f.a.Book(f.ctx, app.System, app.BookInput{Candidate: "c1", Exam: "MLA-C01", Center: "tc1", Slot: slot("2026-05-10T14:00:00Z"), UseVoucher: true})
		if err != nil {
			t.Fatal(err)
		}
		if ap3.FeeMinor != 7500 || ap3.Voucher == "" {
			t.Fatalf("voucher booking %+v: want 75.00 USD (half of 150) and the voucher", ap3)
		}
		if _, err := f.a.Book(f.ctx, app.System, app.BookInput{Candidate: "c1", Exam: "CLF-C02", Center: "tc1", Slot: slot("2026-05-10T14:00:00Z"), UseVoucher: true}); app.ErrorCode(err) != app.CodeRefused {
			t.Fatalf("a second voucher booking: %v, want refused: the voucher is single use", err)
		}
		if _, err := f.a.Cancel(f.ctx, app.System, app.Change{Appointment: ap3.ID}); err != nil {
			t.Fatal(err)
		}
		s, _ = f.a.Standing(f.ctx, app.System, "c1")
		if s.Vouchers[0].State != "unused" {
			t.Errorf("voucher %+v: a timely cancel returns it (V5)", s.Vouchers[0])
		}
		var charged, refunded int64
		for _, fee := range s.Fees {
			switch fee.Kind {
			case "charged":
				charged += fee.AmountMinor
			case "refunded":
				refunded += fee.AmountMinor
			}
		}
		if charged != 10000+10000+7500 || refunded != 7500 {
			t.Errorf("fees: charged %d refunded %d; want 27500 and 7500", charged, refunded)
		}
	})
}

func TestNoShowForfeitsAndMedicalRefund(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		f := newFixture(t, st)
		f.candidate(t, "c1")
		ap, err := f.a.Book(f.ctx, app.System, app.BookInput{Candidate: "c1", Exam: "AIF-C01", Center: "tc1", Slot: slot("2026-03-01T14:00:00Z")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.NoShow(f.ctx, app.System, app.Change{Appointment: ap.ID}); app.ErrorCode(err) != app.CodeRefused {
			t.Fatalf("a no-show before the slot: %v, want refused", err)
		}
		f.clk.set("2026-03-01T15:00:00Z")
		if _, err := f.a.NoShow(f.ctx, app.System, app.Change{Appointment: ap.ID}); err != nil {
			t.Fatal(err)
		}
		_, err = f.a.Book(f.ctx, app.System, app.BookInput{Candidate: "c1", Exam: "AIF-C01", Center: "tc1", Slot: slot("2026-03-05T14:00:00Z")})
		if e := mustCode(t, err, app.CodeRefused); e.Reasons[0] != "no_show_wait" || e.RetryAt != "2026-03-02T14:00:00Z" {
			t.Fatalf("after a no-show: %+v, want no_show_wait until 2026-03-02T14:00:00Z (R8)", e)
		}
		if _, err := f.a.MedicalRefund(f.ctx, app.Principal{Role: app.RoleCandidate, Subject: "c1"}, app.Change{Appointment: ap.ID}, "flu"); app.ErrorCode(err) != app.CodeForbidden {
			t.Fatalf("a candidate approving their own exception: %v, want forbidden", err)
		}
		if _, err := f.a.MedicalRefund(f.ctx, app.System, app.Change{Appointment: ap.ID}, "flu"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.MedicalRefund(f.ctx, app.System, app.Change{Appointment: ap.ID}, "again"); app.ErrorCode(err) != app.CodeRefused {
			t.Fatalf("a second refund: %v, want refused", err)
		}
		fees, _ := f.a.Fees(f.ctx, app.System, "c1", ledger.Page{})
		kinds := ""
		for _, fee := range fees {
			kinds += fee.Kind + " "
		}
		if kinds != "charged forfeited refunded " {
			t.Errorf("fee ledger %q: want charged, forfeited, refunded", kinds)
		}
	})
}

// TestSeatsUnderConcurrency: 200 candidates book the same 10-seat slot at
// once; exactly 10 get a seat and the rest are told the slot is full.
func TestSeatsUnderConcurrency(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		f := newFixture(t, st)
		const n = 200
		for i := 0; i < n; i++ {
			f.candidate(t, fmt.Sprintf("c%03d", i))
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		booked, full := 0, 0
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, err := f.a.Book(f.ctx, app.System, app.BookInput{Candidate: fmt.Sprintf("c%03d", i), Exam: "CLF-C02", Center: "tc1", Slot: slot("2026-04-01T14:00:00Z")})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					booked++
				case app.ErrorCode(err) == app.CodeSlotFull:
					full++
				default:
					t.Errorf("booking %d: %v", i, err)
				}
			}(i)
		}
		wg.Wait()
		if booked != 10 || full != n-10 {
			t.Fatalf("%d booked and %d refused as full; want 10 and %d", booked, full, n-10)
		}
		aps, err := f.a.ListAppointments(f.ctx, app.System, ledger.AppointmentFilter{Center: "tc1", State: "open"}, ledger.Page{Limit: 500})
		if err != nil || len(aps) != 10 {
			t.Fatalf("%d open appointments (%v); want 10", len(aps), err)
		}
	})
}
