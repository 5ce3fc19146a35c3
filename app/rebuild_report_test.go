package app_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

// ev is a raw event as app writes them, for histories the use cases would
// refuse today and older code (or a race) let through.
func ev(typ string, at string, d app.EventData) ledger.Event {
	data, err := json.Marshal(d)
	if err != nil {
		panic(err)
	}
	return ledger.Event{Type: typ, Data: data, RecordedAt: slot(at), Program: "aws@builtin"}
}

func tp(s string) *time.Time { t := slot(s); return &t }

// badHistory is a stream holding one of each fact rebuild reports, in the
// order of the findings it should give.
func badHistory() []ledger.Event {
	return []ledger.Event{
		ev(app.EvBooked, "2026-02-01T09:00:00Z", app.EventData{Appointment: "ap1", Exam: "CLF-C02", Center: "tc1", Slot: tp("2026-03-01T14:00:00Z"), At: tp("2026-02-01T09:00:00Z")}),
		ev(app.EvFeeCharged, "2026-02-01T09:00:00Z", app.EventData{Appointment: "ap1", AmountMinor: 10000, Currency: "USD"}),
		ev(app.EvSat, "2026-03-02T10:00:00Z", app.EventData{Appointment: "ap1", Scaled: 800}),
		ev(app.EvSat, "2026-03-02T10:00:01Z", app.EventData{Appointment: "ap1", Scaled: 800}), // 4: second_result
		ev(app.EvVoucherIssued, "2026-03-02T10:00:00Z", app.EventData{Voucher: "v1", Exam: "CLF-C02"}),
		ev(app.EvVoucherIssued, "2026-03-02T10:00:01Z", app.EventData{Voucher: "v1", Exam: "CLF-C02"}),                                                                                               // 6: voucher_issued_twice
		ev(app.EvNoShow, "2026-03-02T11:00:00Z", app.EventData{Appointment: "ap1"}),                                                                                                                  // 7: closed_changed
		ev(app.EvBooked, "2026-03-03T09:00:00Z", app.EventData{Appointment: "ap2", Exam: "AIF-C01", Center: "tc1", Slot: tp("2099-01-01T14:00:00Z"), At: tp("2026-03-03T09:00:00Z"), Voucher: "v1"}), // 8: beyond_horizon
		ev(app.EvVoucherUsed, "2026-03-03T09:00:00Z", app.EventData{Appointment: "ap2", Voucher: "v1"}),
		ev(app.EvBooked, "2026-03-03T09:00:00Z", app.EventData{Appointment: "ap3", Exam: "SAA-C03", Center: "tc1", Slot: tp("2026-04-01T14:00:00Z"), At: tp("2026-03-03T09:00:00Z"), Voucher: "v1"}),
		ev(app.EvVoucherUsed, "2026-03-03T09:00:00Z", app.EventData{Appointment: "ap3", Voucher: "v1"}), // 11: voucher_spent_twice
		ev(app.EvCancelled, "2026-03-04T09:00:00Z", app.EventData{Appointment: "ap3", At: tp("2026-03-04T09:00:00Z")}),
		ev(app.EvSat, "2026-04-02T09:00:00Z", app.EventData{Appointment: "ap3", Scaled: 800}),                                 // 13: result_for_closed
		ev(app.EvResult, "2026-03-05T09:00:00Z", app.EventData{Exam: "DVA-C02", On: tp("2099-05-01T14:00:00Z"), Scaled: 800}), // 14: sitting_after_recording
		ev(app.EvResult, "2026-03-05T09:00:00Z", app.EventData{Exam: "DVA-C02", On: tp("2099-05-01T14:00:00Z"), Scaled: 800}), // 15: second_result
		ev(app.EvBooked, "2026-03-05T09:00:00Z", app.EventData{Appointment: "ap4", Exam: "SOA-C03", Center: "tc1", Slot: tp("2026-03-10T14:00:00Z"), At: tp("2026-03-05T09:00:00Z")}),
		ev(app.EvSat, "2026-03-06T09:00:00Z", app.EventData{Appointment: "ap4", Scaled: 800}), // 17: sitting_after_recording (recorded before the slot)
	}
}

// TestRebuildReports: rebuild lists every fact of a stream that today's
// rules would refuse, by event, and every slot holding more appointments
// than seats (here three people in a 2-seat slot, left by a race), and
// says which stream it could not read, while it still rebuilds the others
// and leaves the seats counted as they are held.
func TestRebuildReports(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		f := newFixture(t, st)
		if _, err := f.a.CreateCenter(f.ctx, app.System, app.CenterInput{ID: "tc2", Name: "Lyon", Seats: 2}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []string{"bad", "p1", "p2", "p3", "zz"} {
			f.candidate(t, c)
		}
		crowd := slot("2026-03-01T14:00:00Z")
		err := st.Update(f.ctx, func(tx ledger.Tx) error {
			if err := tx.Append(f.ctx, "bad", 0, badHistory()); err != nil {
				return err
			}
			for _, c := range []string{"p1", "p2", "p3"} {
				if err := tx.Append(f.ctx, c, 0, []ledger.Event{ev(app.EvBooked, "2026-02-01T09:00:00Z",
					app.EventData{Appointment: "ap-" + c, Exam: "CLF-C02", Center: "tc2", Slot: &crowd, At: tp("2026-02-01T09:00:00Z")})}); err != nil {
					return err
				}
			}
			// A stream the engine cannot read: a cancel of nothing.
			return tx.Append(f.ctx, "zz", 0, []ledger.Event{ev(app.EvCancelled, "2026-02-01T09:00:00Z", app.EventData{Appointment: "nope"})})
		})
		if err != nil {
			t.Fatal(err)
		}
		r, err := f.a.RebuildViews(f.ctx, app.System)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, x := range r.Findings {
			if x.Message == "" {
				t.Errorf("finding %+v has no message", x)
			}
			got = append(got, fmt.Sprintf("%s %d %s", x.Candidate, x.Seq, x.Kind))
		}
		sort.Strings(got)
		want := []string{
			"bad 11 voucher_spent_twice", "bad 13 result_for_closed", "bad 14 sitting_after_recording", "bad 15 second_result",
			"bad 17 sitting_after_recording", "bad 4 second_result", "bad 6 voucher_issued_twice", "bad 7 closed_changed",
			"bad 8 beyond_horizon", "zz 0 unreadable_stream",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if len(r.OverCapacity) != 1 || r.OverCapacity[0].Center != "tc2" || !r.OverCapacity[0].Slot.Equal(crowd) ||
			r.OverCapacity[0].Taken != 3 || r.OverCapacity[0].Seats != 2 {
			t.Errorf("over capacity: %+v; want tc2 %s with 3 in 2 seats", r.OverCapacity, crowd)
		}
		if r.Streams != 5 {
			t.Errorf("rebuilt %d streams, want 5 (the unreadable one counted as visited)", r.Streams)
		}
		if v, err := f.a.RebuildViews(f.ctx, app.System); err != nil || len(v.Findings) != len(want) || len(v.OverCapacity) != 1 || v.ViewsChanged != 0 || v.SeatsChanged != 0 {
			t.Errorf("second rebuild: %+v, %v; want the same findings and nothing changed", v, err)
		}
		var n int
		if err := st.View(f.ctx, func(tx ledger.Tx) (err error) { n, err = tx.SeatsTaken(f.ctx, "tc2", crowd); return err }); err != nil || n != 3 {
			t.Errorf("seats of the crowded slot: %d, %v; want the 3 held, reported rather than clipped", n, err)
		}
	})
}
