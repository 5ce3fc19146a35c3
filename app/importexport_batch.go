package app

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"time"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// batch is one import transaction. Rows change candidates in memory; at the
// end every touched stream gets its new events in one Append and its view
// replaced once, so a candidate with ten rows in the batch costs one load,
// one append and one projection rather than ten of each.
type batch struct {
	a        *App
	ctx      context.Context
	tx       ledger.Tx
	now      time.Time
	progs    map[string]*policy.Program // by program id: the active version
	subjects map[string]*importSubject
	order    []*importSubject // subjects with new events, in the order first touched
	centers  map[string]bool  // centers known to exist
	scores   map[scoreKey]scored
	imported int64
	errs     []RowError
	actor    *Actor // who imports: stamped on every event
	by       []byte // actor as JSON
}

// importSubject is a candidate as the batch changes it.
type importSubject struct {
	subject
	stored int64          // the stream's version in the store
	fresh  []ledger.Event // events to append, from stored+1
	pevs   []policy.Event // what the engine reads of subject.events
	seats  map[seatKey]int
	// standing is the report after the last event, when known; stale
	// marks a history that is behind pevs.
	standing *policy.Report
	stale    bool
}

type seatKey struct {
	center string
	slot   time.Time
}

// importBatch stores one batch in one transaction, with the import
// position, and returns how many rows were stored and the refused rows.
// The transaction may run more than once (a lost race in PostgreSQL), so
// everything it reports is built inside it.
func (a *App) importBatch(ctx context.Context, pr Principal, name string, rb readBatch) (int64, []RowError, error) {
	var imported int64
	var errs []RowError
	err := a.update(ctx, func(tx ledger.Tx) error {
		b := &batch{a: a, ctx: ctx, tx: tx, now: a.now().UTC(), progs: map[string]*policy.Program{},
			subjects: map[string]*importSubject{}, centers: map[string]bool{}, scores: map[scoreKey]scored{},
			actor: &Actor{Token: pr.TokenID, Role: string(pr.Role)}}
		b.errs = append(b.errs, rb.errs...)
		for i := range rb.rows {
			if err := b.apply(&rb.rows[i]); err != nil {
				var re *RowError
				if !errors.As(err, &re) {
					return err
				}
				b.errs = append(b.errs, *re)
				continue
			}
			b.imported++
		}
		if err := b.flush(); err != nil {
			return err
		}
		if err := tx.SetImportPosition(ctx, name, rb.last); err != nil {
			return storeErr(err, "import position "+name)
		}
		sort.SliceStable(b.errs, func(i, j int) bool { return b.errs[i].Row < b.errs[j].Row })
		imported, errs = b.imported, b.errs
		return nil
	})
	return imported, errs, err
}

// refuse makes a RowError of a row and an app error (its field and
// message) or of a field and a message.
func refuse(r *Row, field, msg string) *RowError {
	return &RowError{Row: r.Line, Field: field, Message: msg}
}

func refuseErr(r *Row, field string, err error) *RowError {
	var e *Error
	if errors.As(err, &e) {
		if e.Field != "" {
			field = e.Field
		}
		return refuse(r, field, e.Message)
	}
	return refuse(r, field, err.Error())
}

func (b *batch) apply(r *Row) error {
	switch r.Kind {
	case "candidate":
		return b.candidate(r)
	case "result":
		return b.result(r)
	case "certification":
		return b.certification(r)
	case "event":
		return b.event(r)
	case "program":
		return b.program(r)
	case "center":
		return b.center(r)
	case "":
		return refuse(r, "kind", "kind is required: candidate, result, certification, program, center or event")
	}
	return refuse(r, "kind", "unknown kind "+quote(r.Kind)+": want candidate, result, certification, program, center or event")
}

// prog returns the active version of a program, once per batch.
func (b *batch) prog(id string) (*policy.Program, error) {
	if p, ok := b.progs[id]; ok {
		return p, nil
	}
	p, err := b.a.program(b.ctx, b.tx, id)
	if err != nil {
		return nil, err
	}
	b.progs[id] = p
	return p, nil
}

// subjectFor returns a candidate known to the batch or the store; an
// unknown one refuses the row.
func (b *batch) subjectFor(r *Row) (*importSubject, error) {
	if s, ok := b.subjects[r.Candidate]; ok {
		return s, nil
	}
	if r.Candidate == "" {
		return nil, refuse(r, "candidate", "candidate is required")
	}
	c, err := b.tx.Candidate(b.ctx, r.Candidate)
	if errors.Is(err, ledger.ErrNotFound) {
		return nil, refuse(r, "candidate", "candidate "+quote(r.Candidate)+" is not known: it is neither stored nor created earlier in the file")
	}
	if err != nil {
		return nil, storeErr(err, "candidate "+r.Candidate)
	}
	return b.load(c, true)
}

// load resolves a candidate's stream (none for a candidate the batch
// created) against their program.
func (b *batch) load(c ledger.Candidate, stored bool) (*importSubject, error) {
	p, err := b.prog(c.Program)
	if err != nil {
		return nil, err
	}
	s := &importSubject{subject: subject{cand: c, prog: p}}
	if stored {
		raw, version, err := b.tx.Stream(b.ctx, c.ID)
		if err != nil {
			return nil, storeErr(err, "stream of "+c.ID)
		}
		if s.events, err = decodeEvents(raw); err != nil {
			return nil, &Error{Code: CodeInternal, Message: "the stream of " + c.ID + " does not decode", Err: err}
		}
		s.version, s.stored = version, version
	}
	loc, err := loadZone(c.TimeZone)
	if err != nil {
		loc = time.UTC // as load does: a stored zone was checked when written
	}
	s.pevs = policyEvents(s.events)
	if s.hist, err = p.NewHistory(loc, s.pevs); err != nil {
		return nil, &Error{Code: CodeInternal, Message: "the stream of " + c.ID + " is not a valid history", Err: err}
	}
	for _, e := range s.events {
		if e.Type == EvBooked {
			s.seats = seatsHeld(project(p, c.ID, s.events, s.hist))
			break
		}
	}
	b.subjects[c.ID] = s
	return s, nil
}

// add puts one event at the end of the subject's stream, refusing it when
// the history would no longer resolve (an appointment never booked, an
// exam the program lacks). A result whose exam and score were checked
// cannot fail to resolve, so for those (checked true) the history is only
// marked stale and rebuilt once when next needed, not once per row.
func (b *batch) add(s *importSubject, ev ledger.Event, d EventData, checked bool) error {
	if d.By == nil { // every event records who acted: here, the importer
		d.By = b.actor
		ev.Data = withActor(ev.Data, b.actorJSON())
	}
	ev.Seq = s.version + 1
	dec := decoded{Event: ev, D: d}
	if pe := policyEvents([]decoded{dec}); len(pe) > 0 {
		if checked {
			s.pevs, s.stale = append(s.pevs, pe...), true
		} else {
			if err := s.resolve(); err != nil {
				return err
			}
			pevs := append(s.pevs, pe...)
			h, err := s.prog.NewHistory(s.hist.Zone(), pevs)
			if err != nil {
				return err
			}
			s.pevs, s.hist, s.standing = pevs, h, nil
		}
	}
	if len(s.fresh) == 0 {
		b.order = append(b.order, s)
	}
	s.events, s.fresh, s.version = append(s.events, dec), append(s.fresh, ev), ev.Seq
	return nil
}

// resolve rebuilds a stale history.
func (s *importSubject) resolve() error {
	if !s.stale {
		return nil
	}
	h, err := s.prog.NewHistory(s.hist.Zone(), s.pevs)
	if err != nil {
		return &Error{Code: CodeInternal, Message: "the imported history of " + s.cand.ID + " does not resolve", Err: err}
	}
	s.hist, s.stale = h, false
	return nil
}

// sitting records a result without an appointment and, as RecordResult
// does, the vouchers and certifications it brings, so an imported result
// leaves the same stream as one recorded through the API. Only a pass can
// bring any: the engine derives vouchers and terms from passed sittings
// alone, so a failed result needs no report, which is most of an import's
// engine time saved (TestImportMatchesRecordResult holds this to what
// RecordResult writes).
func (b *batch) sitting(r *Row, s *importSubject, e *policy.Exam, d EventData) error {
	if d.On.After(b.now.Add(policy.ClockSkew)) {
		return refuse(r, "on", "the sitting "+d.On.Format(time.RFC3339)+" is after the moment it is recorded ("+
			b.now.Format(time.RFC3339)+"): a result cannot come before its exam")
	}
	for _, ev := range s.events {
		if ev.Type == EvResult && ev.D.Exam == d.Exam && ev.D.On != nil && ev.D.On.Equal(*d.On) {
			return refuse(r, "on", "a result of "+d.Exam+" at "+d.On.Format(time.RFC3339)+" is already recorded for "+s.cand.ID)
		}
	}
	for _, ap := range sittingsAt(s.events, d.Exam, *d.On) {
		return refuse(r, "on", "appointment "+ap+" of "+s.cand.ID+" already has a result of "+d.Exam+" at "+d.On.Format(time.RFC3339))
	}
	decision, label := b.scoreDecision(s, e, d.Scaled, *d.On)
	ev := newEvent(EvResult, d, b.now, decision, label)
	if !e.Passes(d.Scaled) {
		return b.add(s, ev, d, true)
	}
	if err := s.resolve(); err != nil {
		return err
	}
	if s.standing == nil {
		rep := s.prog.Report(s.hist, b.now)
		s.standing = &rep
	}
	before := *s.standing
	if err := b.add(s, ev, d, true); err != nil {
		return err
	}
	if err := s.resolve(); err != nil {
		return err
	}
	s.standing = nil
	for _, c := range consequences(&s.subject, before, b.now) {
		if err := b.add(s, newEvent(c.typ, c.data, b.now, nil, s.prog.Label()), c.data, true); err != nil {
			return err
		}
	}
	return nil
}

// BulkTx is the store's optional bulk interface (ledger.Bulk): an import
// batch is written in a few statements instead of a few per candidate when
// the transaction has it, and by the per-stream calls otherwise, with the
// same result.
type BulkTx = ledger.Bulk

// flush appends each touched stream's new events at once, replaces its
// view once and moves the seats its appointments hold. The views are
// projected on another goroutine while the store writes the events: the
// projection only reads what the batch built, and it is most of the CPU
// time a flush spends outside the store.
func (b *batch) flush() error {
	if len(b.order) == 0 {
		return nil
	}
	for _, s := range b.order {
		if err := s.resolve(); err != nil {
			return err
		}
		if err := b.syncCredentials(s); err != nil {
			return err
		}
	}
	views := make([]ledger.View, len(b.order))
	projected := make(chan struct{})
	go func() {
		defer close(projected)
		for i, s := range b.order {
			views[i] = project(s.prog, s.cand.ID, s.events, s.hist)
		}
	}()
	err := b.appendAll()
	<-projected
	if err != nil {
		return err
	}
	if bulk, ok := b.tx.(BulkTx); ok {
		if err := bulk.ReplaceViews(b.ctx, views); err != nil {
			return storeErr(err, "read models")
		}
	} else {
		for _, v := range views {
			if err := b.tx.ReplaceView(b.ctx, v); err != nil {
				return storeErr(err, "read models of "+v.Candidate)
			}
		}
	}
	for i, s := range b.order {
		if err := b.moveSeats(s.seats, seatsHeld(views[i])); err != nil {
			return err
		}
		// The imported history's notices, queued in the batch's
		// transaction like any write's (the queue skips those it holds).
		if err := b.a.queueNotices(b.ctx, b.tx, nil, views[i].Notices, b.now); err != nil {
			return err
		}
	}
	return nil
}

// appendAll appends every touched stream's new events, checking that no
// other writer appended to any of them since they were loaded.
func (b *batch) appendAll() error {
	bulk, ok := b.tx.(BulkTx)
	if !ok {
		for _, s := range b.order {
			if err := b.tx.Append(b.ctx, s.cand.ID, s.stored, s.fresh); err != nil {
				if errors.Is(err, ledger.ErrConflict) {
					return errStreamRace
				}
				return storeErr(err, "stream of "+s.cand.ID)
			}
		}
		return nil
	}
	ids, expected, events := make([]string, len(b.order)), make([]int64, len(b.order)), make([][]ledger.Event, len(b.order))
	for i, s := range b.order {
		ids[i], expected[i], events[i] = s.cand.ID, s.stored, s.fresh
	}
	if err := bulk.AppendStreams(b.ctx, ids, expected, events); err != nil {
		if errors.Is(err, ledger.ErrConflict) {
			return errStreamRace
		}
		return storeErr(err, "streams")
	}
	return nil
}

// seatsHeld counts the seats a view's appointments hold: every one not
// cancelled, as rebuild counts them.
func seatsHeld(v ledger.View) map[seatKey]int {
	var m map[seatKey]int
	for _, ap := range v.Appointments {
		if ap.State == "cancelled" || ap.Center == "" {
			continue
		}
		if m == nil {
			m = map[seatKey]int{}
		}
		m[seatKey{ap.Center, ap.Slot.UTC()}]++
	}
	return m
}

// moveSeats reserves the seats after holds and before did not, and
// releases the reverse. A full slot is taken as it is, as rebuild does:
// the imported history already happened.
func (b *batch) moveSeats(before, after map[seatKey]int) error {
	for k, n := range after {
		for i := before[k]; i < n; i++ {
			if err := b.tx.ReserveSeat(b.ctx, k.center, k.slot); err != nil && !errors.Is(err, ledger.ErrFull) {
				return storeErr(err, "seat at "+k.center)
			}
		}
	}
	for k, n := range before {
		for i := after[k]; i < n; i++ {
			if err := b.tx.ReleaseSeat(b.ctx, k.center, k.slot); err != nil {
				return storeErr(err, "seat at "+k.center)
			}
		}
	}
	return nil
}

// sittingsAt lists the appointments of a stream sat for exam at instant
// at: a result of the same sitting imported without its appointment is
// the same fact twice.
func sittingsAt(evs []decoded, exam string, at time.Time) []string {
	type ap struct {
		exam string
		slot time.Time
	}
	aps := map[string]*ap{}
	var out []string
	for _, e := range evs {
		switch e.Type {
		case EvBooked:
			aps[e.D.Appointment] = &ap{e.D.Exam, deref(e.D.Slot)}
		case EvRescheduled:
			if a := aps[e.D.Appointment]; a != nil {
				a.slot = deref(e.D.Slot)
			}
		case EvSat:
			if a := aps[e.D.Appointment]; a != nil && a.exam == exam && a.slot.Equal(at) {
				out = append(out, e.D.Appointment)
			}
		}
	}
	return out
}

// actorJSON is the batch's "by" member, marshalled once.
func (b *batch) actorJSON() []byte {
	if b.by == nil {
		b.by = mustJSON(b.actor)
	}
	return b.by
}

// withActor adds "by" to an event's JSON object without decoding it again:
// an import writes hundreds of thousands of events, and marshalling each
// twice was a tenth of its time.
func withActor(data json.RawMessage, by []byte) json.RawMessage {
	if len(data) < 2 || data[len(data)-1] != '}' {
		return data
	}
	out := make([]byte, 0, len(data)+len(by)+7)
	out = append(out, data[:len(data)-1]...)
	if len(data) > 2 {
		out = append(out, ',')
	}
	out = append(out, `"by":`...)
	out = append(out, by...)
	return append(out, '}')
}
