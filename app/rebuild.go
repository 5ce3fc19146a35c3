package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// RebuildReport is what a rebuild did and what it found wrong. It repairs
// only what is derived (read models and seat counts); a slot over capacity
// or a fact the rules would refuse today is stored history, so it is
// listed for a person to decide about, never hidden or dropped.
type RebuildReport struct {
	Streams      int // streams visited (an unreadable one included, see Findings)
	ViewsChanged int // of those, how many differed from what was stored
	Slots        int // slots whose seats were recounted
	SeatsChanged int // of those, how many had a wrong count
	OverCapacity []ledger.SeatCount
	Findings     []Finding
}

// Finding is one stored event that today's rules would refuse.
type Finding struct {
	Candidate string
	Seq       int64 // the event; 0 for the stream as a whole
	Kind      string
	Message   string
}

// Kinds of Finding. They name what is wrong with a stored fact; they are
// not decisions, and nothing is refused for them.
const (
	FindSittingAfterRecording = "sitting_after_recording" // a result recorded before its sitting began
	FindSecondResult          = "second_result"           // a second result for one sitting
	FindResultForClosed       = "result_for_closed"       // a result for a cancelled or missed appointment
	FindClosedChanged         = "closed_changed"          // a cancel, reschedule or no-show of an appointment no longer open
	FindUnreadableStream      = "unreadable_stream"       // a stream the engine cannot read: its read models are left as they were
	FindBeyondHorizon         = "beyond_horizon"          // a slot further ahead than the booking horizon
	FindVoucherIssuedTwice    = "voucher_issued_twice"
	FindVoucherSpentTwice     = "voucher_spent_twice" // redeemed again before it was returned
)

// rebuildBatch is how many candidates one rebuild transaction covers: a
// writer to one of them waits for at most one batch.
const rebuildBatch = 100

// Rebuild is RebuildViews, answering how many candidates it covered.
func (a *App) Rebuild(ctx context.Context, pr Principal) (int, error) {
	r, err := a.RebuildViews(ctx, pr)
	return r.Streams, err
}

// RebuildViews recreates every read model from the ledger and recounts
// every slot's seats, while servers go on serving.
//
// Candidates are rebuilt in batches, one transaction each: it locks the
// batch's streams in id order (Stream locks in Update), so a writer to one
// of them waits for that batch only, and replaces each view that differs
// from the projection of its stream. Seats are recounted afterwards, one
// slot per transaction, each under that slot's row lock and holding no
// stream lock: writers lock a stream and then seats, and a rebuild holding
// both in the other order could deadlock with them. A booking committed
// while a slot is recounted is counted or increments the recounted value,
// never both (see ledger.Recounts). A second rebuild changes nothing.
func (a *App) RebuildViews(ctx context.Context, pr Principal) (RebuildReport, error) {
	var rep RebuildReport
	if err := pr.mustBeAdmin("rebuild read models"); err != nil {
		return rep, err
	}
	for after := ""; ; {
		var ids []string
		var changed int
		var found []Finding
		err := a.store.Update(ctx, func(tx ledger.Tx) error {
			changed, found = 0, nil
			var err error
			if ids, err = tx.StreamIDs(ctx, after, rebuildBatch); err != nil {
				return storeErr(err, "streams")
			}
			for _, id := range ids {
				s, err := a.load(ctx, tx, id)
				var he *policy.HistoryError
				if errors.As(err, &he) {
					// One unreadable stream must not stop every other
					// candidate's rebuild; it is reported instead.
					found = append(found, Finding{Candidate: id, Kind: FindUnreadableStream,
						Message: "the stream is not a valid history: " + he.Error()})
					continue
				}
				if err != nil {
					return err
				}
				v := project(s.prog, id, s.events, s.hist)
				old, err := tx.View(ctx, id)
				if err != nil {
					return storeErr(err, "read models of "+id)
				}
				if !sameView(old, v) {
					changed++
					if err := tx.ReplaceView(ctx, v); err != nil {
						return storeErr(err, "read models of "+id)
					}
					if err := a.queueNotices(ctx, tx, old.Notices, v.Notices, a.now().UTC()); err != nil {
						return err
					}
				}
				found = append(found, findings(id, s.events, horizonBound(s.prog))...)
			}
			return nil
		})
		if err != nil {
			return rep, err
		}
		if len(ids) == 0 {
			break
		}
		rep.Streams += len(ids)
		rep.ViewsChanged += changed
		rep.Findings = append(rep.Findings, found...)
		after = ids[len(ids)-1]
	}
	return rep, a.recountSeats(ctx, &rep)
}

// recountSeats recounts every slot, one per transaction.
func (a *App) recountSeats(ctx context.Context, rep *RebuildReport) error {
	for after := (ledger.SlotKey{}); ; {
		var keys []ledger.SlotKey
		err := a.store.View(ctx, func(tx ledger.Tx) error {
			var err error
			keys, err = tx.SeatSlots(ctx, after, 500)
			return storeErr(err, "slots")
		})
		if err != nil {
			return err
		}
		if len(keys) == 0 {
			return nil
		}
		for _, k := range keys {
			var c ledger.SeatCount
			err := a.store.Update(ctx, func(tx ledger.Tx) error {
				var err error
				c, err = tx.RecountSeats(ctx, k)
				return storeErr(err, "seats of "+k.Center+" "+k.Slot.UTC().Format(time.RFC3339))
			})
			if err != nil {
				return err
			}
			rep.Slots++
			if c.Before != c.Taken {
				rep.SeatsChanged++
			}
			if c.Taken > c.Seats {
				rep.OverCapacity = append(rep.OverCapacity, c)
			}
		}
		after = keys[len(keys)-1]
	}
}

// sameView compares two views as the store keeps them: times as UTC
// instants to the microsecond, JSON as values, no slice and an empty one
// alike.
func sameView(a, b ledger.View) bool {
	x, err1 := json.Marshal(canonicalView(a))
	y, err2 := json.Marshal(canonicalView(b))
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

func canonicalView(v ledger.View) ledger.View {
	t := func(x time.Time) time.Time { return x.UTC().Truncate(time.Microsecond) }
	out := ledger.View{Candidate: v.Candidate,
		Certifications: append([]ledger.Certification(nil), v.Certifications...),
		Vouchers:       append([]ledger.Voucher(nil), v.Vouchers...)}
	for _, ap := range v.Appointments {
		ap.Slot, ap.BookedAt = t(ap.Slot), t(ap.BookedAt)
		out.Appointments = append(out.Appointments, ap)
	}
	for _, r := range v.Results {
		r.SatAt, r.RecordedAt = t(r.SatAt), t(r.RecordedAt)
		if len(r.Domains) > 0 {
			var d any
			if json.Unmarshal(r.Domains, &d) == nil {
				r.Domains, _ = json.Marshal(d)
			}
		} else {
			r.Domains = nil
		}
		out.Results = append(out.Results, r)
	}
	for _, f := range v.Fees {
		f.At = t(f.At)
		out.Fees = append(out.Fees, f)
	}
	return out
}

// recordingSkew is how far a sitting may seem to lie after the moment its
// result was recorded before it is reported: the engine's own allowance
// for clocks that differ (R14).
const recordingSkew = policy.ClockSkew

// horizonBound is the longest a program's booking horizon (R10) can be,
// as a duration: exactly it when it is on instants, and for calendar
// spans the longest months and years, so that a stored booking is
// reported only when no reading of the horizon allows it. Zero: the
// program states none, and nothing is reported.
func horizonBound(p *policy.Program) time.Duration {
	h := p.Appointments.BookingHorizon
	day := 24 * time.Hour
	return h.Duration() + time.Duration(h.Days)*day + time.Duration(h.Months)*31*day + time.Duration(h.Years)*366*day +
		day // a calendar day more: the engine counts the last date in the candidate's zone
}

// findings lists the events of one stream that today's rules would refuse,
// from the events alone. It is deliberately simple: each check follows one
// rule of issue 6 point 3 or one race that used to get through.
func findings(candidate string, evs []decoded, bookingHorizon time.Duration) []Finding {
	var out []Finding
	add := func(e decoded, kind, format string, args ...any) {
		out = append(out, Finding{Candidate: candidate, Seq: e.Seq, Kind: kind, Message: fmt.Sprintf(format, args...)})
	}
	type appt struct {
		exam  string
		slot  time.Time
		state string
	}
	appts := map[string]*appt{}
	sittings := map[string]int64{} // exam and instant -> the event that recorded it
	sitting := func(e decoded, exam string, at time.Time) {
		key := exam + "@" + at.UTC().Format(time.RFC3339Nano)
		if first, ok := sittings[key]; ok {
			add(e, FindSecondResult, "a second result for %s sat at %s (the first is event %d)", exam, at.UTC().Format(time.RFC3339), first)
			return
		}
		sittings[key] = e.Seq
		if at.After(e.RecordedAt.Add(recordingSkew)) {
			add(e, FindSittingAfterRecording, "a result for %s sat at %s was recorded at %s, before the sitting",
				exam, at.UTC().Format(time.RFC3339), e.RecordedAt.UTC().Format(time.RFC3339))
		}
	}
	horizon := func(e decoded, what string) {
		if bookingHorizon > 24*time.Hour && e.D.Slot != nil && e.D.At != nil && e.D.Slot.Sub(*e.D.At) > bookingHorizon {
			add(e, FindBeyondHorizon, "%s for %s, beyond the program's booking horizon (about %d days) after %s", what,
				e.D.Slot.UTC().Format(time.RFC3339), int(bookingHorizon/(24*time.Hour)), e.D.At.UTC().Format(time.RFC3339))
		}
	}
	issued := map[string]bool{}
	spent := map[string]string{} // voucher -> the appointment it paid for
	for _, e := range evs {
		d := e.D
		ap := appts[d.Appointment]
		if ap == nil && (e.Type == EvRescheduled || e.Type == EvCancelled || e.Type == EvNoShow || e.Type == EvSat) {
			continue // never booked: the engine refuses such a stream, and says so
		}
		switch e.Type {
		case EvBooked:
			appts[d.Appointment] = &appt{exam: d.Exam, slot: deref(d.Slot), state: "open"}
			horizon(e, "booked")
		case EvRescheduled, EvCancelled, EvNoShow:
			if ap.state != "open" {
				add(e, FindClosedChanged, "%s of appointment %s, which was already %s", e.Type, d.Appointment, ap.state)
			}
			switch e.Type {
			case EvRescheduled:
				ap.slot = deref(d.Slot)
				horizon(e, "rescheduled")
			case EvCancelled:
				ap.state = "cancelled"
			case EvNoShow:
				ap.state = "missed"
			}
		case EvSat:
			switch ap.state {
			case "cancelled", "missed":
				add(e, FindResultForClosed, "a result for appointment %s, which was %s", d.Appointment, ap.state)
			case "sat":
				add(e, FindSecondResult, "a second result for appointment %s", d.Appointment)
				continue
			}
			ap.state = "sat"
			sitting(e, ap.exam, ap.slot)
		case EvResult:
			sitting(e, d.Exam, deref(d.On))
		case EvVoucherIssued:
			if issued[d.Voucher] {
				add(e, FindVoucherIssuedTwice, "voucher %s issued again", d.Voucher)
			}
			issued[d.Voucher] = true
		case EvVoucherUsed:
			if prev, ok := spent[d.Voucher]; ok {
				add(e, FindVoucherSpentTwice, "voucher %s redeemed for %s while it still paid for %s", d.Voucher, d.Appointment, prev)
			}
			spent[d.Voucher] = d.Appointment
		case EvVoucherBack:
			delete(spent, d.Voucher)
		}
	}
	return out
}
