package app

import (
	"context"
	"errors"
	"time"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// op is one change to the ledger as a use case describes it to the write
// path. The use case says what to lock and decides; the write path does
// everything else, in this order, in one transaction:
//
//  1. lock the candidate's stream (the appointment's candidate when the op
//     names an appointment) before reading anything a decision depends on;
//  2. read the candidate, program and history from the locked state, and
//     the appointment, its Rev (If-Match), seat and voucher from that
//     history — never from a read model read before the lock;
//  3. let the use case ask the engine and stage events (and move seats);
//  4. append the staged events, each stamped with who acted;
//  5. replace the candidate's read models with the projection;
//  6. store the response under the caller's Idempotency-Key.
//
// A use case cannot skip a step because it performs none of them, and an
// architecture test keeps every Append, ReplaceView and stored response in
// this file (see write_arch_test.go).
type op struct {
	// candidate is the stream to lock first; appointment, when set instead,
	// names an appointment whose candidate's stream is locked.
	candidate   string
	appointment string
	// ifMatch, when not zero, is the appointment Rev the caller last saw.
	ifMatch int64
	// decide runs once the stream is locked (again after a lost race) and
	// returns the response. It stages events with w.emit.
	decide func(w *locked) (any, error)
	// stored, when set, is what is kept for a replay instead of the
	// response (a response holding a secret).
	stored func(v any) any
}

// locked is the state a decision is made on: read after the lock, in the
// write's transaction.
type locked struct {
	a   *App
	ctx context.Context
	tx  ledger.Tx
	pr  Principal
	now time.Time
	// s is the candidate's locked stream and history; nil for a write that
	// touches no stream (a center, a program, a token).
	s *subject
	// ap is the appointment the op names, as the locked stream says it is.
	ap ledger.Appointment
	// base is the stream's version when it was locked; staged events
	// follow it. old is the read models the locked stream projects to,
	// which are the ones stored.
	base   int64
	old    ledger.View
	staged []ledger.Event
	// stale marks s.hist as behind s.events (events were staged since it
	// was made); cached is the projection of s.events, when made.
	stale  bool
	cached *ledger.View
	// resync asks flush to bring the credentials' statuses up to date
	// though nothing was staged (a credential issued, a grace's end).
	resync bool
	// credsChanged says the write stored a credential or a status: once
	// it commits, the verification cache is stale.
	credsChanged bool
}

// write runs o through the one write path and returns its response.
func (a *App) write(ctx context.Context, pr Principal, o op) (any, error) {
	var out any
	var credsChanged bool
	err := a.update(ctx, func(tx ledger.Tx) error {
		w := &locked{a: a, ctx: ctx, tx: tx, pr: pr, now: a.now().UTC()}
		defer func() { credsChanged = w.credsChanged }()
		if err := w.lock(o); err != nil {
			return err
		}
		v, err := o.decide(w)
		if err != nil {
			return err
		}
		if err := w.flush(); err != nil {
			return err
		}
		out = v
		return a.saveResponse(ctx, tx, pr, v, o.stored, nil)
	})
	if err != nil {
		if pr.idem != nil {
			pr.idem.status = 0 // nothing of a failed write was stored
		}
		// A refusal is an answer too: a retry with the same key gets it
		// again rather than a second chance (rememberRefusal decides
		// which errors are answers).
		return nil, a.rememberRefusal(ctx, pr, err)
	}
	if credsChanged {
		a.verifyCache.changed() // committed: verifications read it anew
	}
	return out, nil
}

// lock takes the stream lock and reads the subject of o.
func (w *locked) lock(o op) error {
	candidate := o.candidate
	if o.appointment != "" {
		if err := known("appointment", o.appointment); err != nil {
			return err
		}
		// The read model only says whose appointment it is, which never
		// changes; everything else about it is read after the lock.
		ap, err := w.tx.Appointment(w.ctx, o.appointment)
		if err != nil {
			return storeErr(err, "appointment "+o.appointment)
		}
		candidate = ap.Candidate
	}
	if candidate == "" {
		return nil
	}
	s, err := w.a.load(w.ctx, w.tx, candidate)
	if err != nil {
		return err
	}
	w.s, w.base = s, s.version
	w.old = project(s.prog, s.cand.ID, s.events, s.hist)
	w.cached = &w.old
	if o.appointment == "" {
		return nil
	}
	ap, _ := w.appointment(o.appointment)
	if ap.ID == "" || !w.pr.canActOnAppointment(ap.Candidate, ap.Center) {
		return hidden("appointment " + o.appointment)
	}
	if o.ifMatch != 0 && o.ifMatch != ap.Rev {
		return &Error{Code: CodePrecondition, Message: "appointment " + ap.ID + " has changed since it was read"}
	}
	w.ap = ap
	return nil
}

// emit stages one event on the locked stream, stamped with the actor; a
// later decision in the same write (the consequences of a result) reads
// it through w.history. decision, when not nil, is the engine's decision
// that allowed it, kept with the event.
func (w *locked) emit(typ string, d EventData, decision *policy.Decision) error {
	s := w.s
	d.By = &Actor{Token: w.pr.TokenID, Role: string(w.pr.Role)}
	ev := newEvent(typ, d, w.now, nil, s.prog.Label())
	if decision != nil {
		ev.Decision, ev.Program = decisionJSON(s.prog, decision), decision.Program
	}
	ev.Seq = s.version + 1
	dec, err := decodeEvents([]ledger.Event{ev})
	if err != nil {
		return err
	}
	s.events, s.version = append(s.events[:len(s.events):len(s.events)], dec...), ev.Seq
	w.staged = append(w.staged, ev)
	// The history and the projection are made again when next asked for
	// (w.history, w.view), once for all the events staged since.
	w.stale, w.cached = true, nil
	return nil
}

// history is the locked stream's history with every event staged so far:
// a decision after an emit (a result's consequences) is made on it.
func (w *locked) history() (*policy.History, error) {
	s := w.s
	if w.stale {
		h, err := s.prog.NewHistory(s.hist.Zone(), policyEvents(s.events))
		if err != nil {
			return nil, &Error{Code: CodeInternal, Message: "the new history is not valid", Err: err}
		}
		s.hist, w.stale = h, false
	}
	return s.hist, nil
}

// rezone re-reads the history in another zone, for a time-zone change:
// every date the read models hold is recomputed in the same transaction.
func (w *locked) rezone(loc *time.Location) error {
	h, err := w.s.prog.NewHistory(loc, policyEvents(w.s.events))
	if err != nil {
		return &Error{Code: CodeInternal, Message: "the history is not valid in the new zone", Err: err}
	}
	w.s.hist, w.cached = h, nil
	return nil
}

// flush appends the staged events after the version that was locked and
// replaces the candidate's read models.
func (w *locked) flush() error {
	if w.s != nil && (len(w.staged) > 0 || w.resync) {
		if err := w.syncCredentials(); err != nil {
			return err
		}
	}
	if w.s == nil || len(w.staged) == 0 {
		return nil
	}
	if err := w.tx.Append(w.ctx, w.s.cand.ID, w.base, w.staged); err != nil {
		if errors.Is(err, ledger.ErrConflict) {
			return errStreamRace
		}
		return storeErr(err, "stream of "+w.s.cand.ID)
	}
	v, err := w.view()
	if err != nil {
		return err
	}
	if d, ok := w.tx.(ledger.ViewDelta); ok {
		// Only what changed is written: every write of the stream went
		// through here, so the stored view is the old projection.
		err = d.ReplaceViewFrom(w.ctx, w.old, v)
	} else {
		err = w.tx.ReplaceView(w.ctx, v)
	}
	if err != nil {
		return storeErr(err, "read models of "+w.s.cand.ID)
	}
	if err := w.a.queueNotices(w.ctx, w.tx, w.old.Notices, v.Notices, w.now); err != nil {
		return err
	}
	return w.queueCredentials(v)
}

// view is the projection of the locked stream with what is staged, made
// once after the last emit.
func (w *locked) view() (ledger.View, error) {
	if w.cached == nil {
		h, err := w.history()
		if err != nil {
			return ledger.View{}, err
		}
		v := project(w.s.prog, w.s.cand.ID, w.s.events, h)
		w.cached = &v
	}
	return *w.cached, nil
}

// appointment is one appointment of the view.
func (w *locked) appointment(id string) (ledger.Appointment, error) {
	v, err := w.view()
	for _, ap := range v.Appointments {
		if ap.ID == id {
			return ap, err
		}
	}
	return ledger.Appointment{}, err
}

// settle records the money and vouchers an allowed decision moves, as the
// engine decided them: app computes no fee, refund or forfeit of its own.
// note is a person's words kept with them (a medical exception's letter).
func (w *locked) settle(appointment string, d *policy.Decision, note string) error {
	return w.settleAs(appointment, d, note, nil)
}

// settleAs is settle keeping decision with the first event, for a change
// whose only events are its consequences (a medical exception's refund).
func (w *locked) settleAs(appointment string, d *policy.Decision, note string, decision *policy.Decision) error {
	for _, c := range d.Consequences {
		data := EventData{Appointment: appointment, Rule: c.Rule, Reason: note, Medical: d.Action == policy.MedicalException}
		switch c.Kind {
		case policy.VoucherRedeemed, policy.VoucherReturned:
			data.Voucher = voucherID(w.s.cand.ID, c.Voucher)
		default:
			data.AmountMinor, data.Currency = c.Amount.Minor, c.Amount.Currency
		}
		if err := w.emit(consequenceEvents[c.Kind], data, decision); err != nil {
			return err
		}
		decision = nil
	}
	return nil
}

// delivery is how a center delivers its seats, as the engine names it.
func delivery(c ledger.Center) string {
	if c.Online {
		return "online"
	}
	return "test_center"
}

// center reads a test center in the write's transaction.
func (w *locked) center(id string) (ledger.Center, error) {
	if err := known("test center", id); err != nil {
		return ledger.Center{}, err
	}
	c, err := w.tx.Center(w.ctx, id)
	return c, storeErr(err, "test center "+id)
}

// system runs fn in a write transaction of the process's own (a job's
// bookkeeping: a sent record, the sweep's cursor) through the write path,
// which for a write that names no stream locks nothing.
func (a *App) system(ctx context.Context, fn func(tx ledger.Tx) error) error {
	_, err := a.write(ctx, System, op{decide: func(w *locked) (any, error) { return nil, fn(w.tx) }})
	return err
}
