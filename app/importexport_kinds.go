package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/recert/recert/definition"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// ReasonImportedCertification marks the result event that stands for a
// certification held from a legacy system: the pass it was earned by is
// not known, so the line's exam of that day at its passing score stands in.
const ReasonImportedCertification = "imported certification"

func quote(s string) string { return strconv.Quote(s) }

// stamp reads an optional RFC 3339 time; absent means now, which is what
// the API would have recorded.
func (b *batch) stamp(r *Row, field, s string) (time.Time, error) {
	if s == "" {
		return b.now, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, refuse(r, field, quote(s)+" is not an RFC 3339 time")
	}
	return t.UTC(), nil
}

// scoreKey is what the engine's scoring decision depends on: the program,
// the exam, the score and the zone; its instant is the batch's.
type scoreKey struct {
	prog  *policy.Program
	exam  string
	score int
	zone  *time.Location
}

type scored struct {
	decision json.RawMessage
	label    string
}

// scoreDecision is the engine's record_result decision (R14, R15, E3)
// that RecordResult stores with a result, made once per batch for each
// exam and score: a batch of thousands of results holds a few hundred
// distinct ones. The row was already checked against what the decision
// refuses (a sitting after now, the same sitting twice; see sitting), and
// an allowed decision reads only the exam, the score and the zone, so the
// one made for an earlier row, or on a stale history, is the same.
func (b *batch) scoreDecision(s *importSubject, e *policy.Exam, scaled int, on time.Time) (json.RawMessage, string) {
	k := scoreKey{s.prog, e.Code, scaled, s.hist.Zone()}
	if v, ok := b.scores[k]; ok {
		return v.decision, v.label
	}
	dec := s.prog.Decide(s.hist, b.now, policy.Ask{Action: policy.RecordResult, Exam: e.Code, Slot: on, Score: scaled})
	v := scored{decisionJSON(s.prog, &dec), dec.Program}
	b.scores[k] = v
	return v.decision, v.label
}

// candidate creates a candidate. One already stored with the same details
// is accepted unchanged, so that an import run again from the start
// (--restart) does not refuse what it stored the first time.
func (b *batch) candidate(r *Row) error {
	if r.ID == "" {
		return refuse(r, "id", "id is required: results name candidates by it")
	}
	in := CandidateInput{ID: r.ID, Name: r.Name, Email: r.Email, TimeZone: r.TimeZone, Program: r.Program}
	if err := in.check(); err != nil {
		return refuseErr(r, "id", err)
	}
	created, err := b.stamp(r, "created_at", r.CreatedAt)
	if err != nil {
		return err
	}
	old, err := b.tx.Candidate(b.ctx, in.ID)
	switch {
	case err == nil:
		if old.Name == in.Name && old.Email == in.Email && old.TimeZone == in.TimeZone && old.Program == in.Program {
			return nil
		}
		return refuse(r, "id", "candidate "+quote(in.ID)+" already exists with other details")
	case !errors.Is(err, ledger.ErrNotFound):
		return storeErr(err, "candidate "+in.ID)
	}
	if _, err := b.prog(in.Program); err != nil {
		if ErrorCode(err) == CodeNotFound {
			return refuse(r, "program", "program "+quote(in.Program)+" is not known")
		}
		return err
	}
	c := ledger.Candidate{ID: in.ID, Name: in.Name, Email: in.Email, TimeZone: in.TimeZone, Program: in.Program, CreatedAt: created, Rev: 1}
	if err := b.tx.CreateCandidate(b.ctx, c); err != nil {
		return storeErr(err, "candidate "+c.ID)
	}
	_, err = b.load(c, false)
	return err
}

// result records a sitting without an appointment, as RecordResult does.
func (b *batch) result(r *Row) error {
	s, err := b.subjectFor(r)
	if err != nil {
		return err
	}
	if r.On == "" {
		return refuse(r, "on", "on (the sitting, RFC 3339) is required")
	}
	on, err := b.stamp(r, "on", r.On)
	if err != nil {
		return err
	}
	e, ok := s.prog.Exam(r.Exam)
	if !ok {
		return refuse(r, "exam", "program "+s.prog.Label()+" has no exam "+quote(r.Exam))
	}
	if (r.Scaled == nil) == (r.Raw == nil) {
		return refuse(r, "scaled_score", "give either scaled_score, or raw_score with form")
	}
	scaled, err := scaledScore(e, ResultInput{Scaled: r.Scaled, Raw: r.Raw, Form: r.Form})
	if err != nil {
		return refuseErr(r, "scaled_score", err)
	}
	if _, err := e.Report(scaled, r.Domains); err != nil {
		return refuse(r, "domains", err.Error())
	}
	return b.sitting(r, s, e, EventData{Exam: e.Code, On: &on, Scaled: scaled, Raw: r.Raw, Form: r.Form, Domains: r.Domains})
}

// certification records a certification held from a legacy system as a
// pass, at the passing score, of the newest exam of its line offered by
// the day it was earned, sat at the start of that day in the candidate's
// zone: the engine then derives the term, expiry and renewals exactly as
// for a pass it saw.
func (b *batch) certification(r *Row) error {
	s, err := b.subjectFor(r)
	if err != nil {
		return err
	}
	cert, ok := s.prog.Certification(r.Certification)
	if !ok {
		return refuse(r, "certification", "program "+s.prog.Label()+" has no certification "+quote(r.Certification))
	}
	day, err := policy.ParseDate(r.EarnedOn)
	if err != nil {
		return refuse(r, "earned_on", quote(r.EarnedOn)+": "+err.Error())
	}
	var exam *policy.Exam
	for _, e := range s.prog.Versions(cert.Line) {
		if e.FirstDate <= day {
			exam = e
		}
	}
	if exam == nil {
		return refuse(r, "earned_on", "no exam of line "+cert.Line+" was offered by "+day.String())
	}
	on := day.Start(s.hist.Zone()).UTC()
	return b.sitting(r, s, exam, EventData{Exam: exam.Code, On: &on, Scaled: exam.PassingScore, Reason: ReasonImportedCertification})
}

// event appends an exported event verbatim. Its seq must follow the
// stream, so a stream is imported in order and each event once.
func (b *batch) event(r *Row) error {
	s, err := b.subjectFor(r)
	if err != nil {
		return err
	}
	if r.Seq != s.version+1 {
		return refuse(r, "seq", "event "+strconv.FormatInt(r.Seq, 10)+" of "+quote(s.cand.ID)+
			" does not follow its stream, which is at "+strconv.FormatInt(s.version, 10))
	}
	if r.Type == "" {
		return refuse(r, "type", "type is required")
	}
	data, decision := nonNull(r.Data), nonNull(r.Decision)
	var d EventData
	if data != nil {
		if err := json.Unmarshal(data, &d); err != nil {
			return refuse(r, "data", err.Error())
		}
	}
	if d.Center != "" && !b.centers[d.Center] {
		if _, err := b.tx.Center(b.ctx, d.Center); errors.Is(err, ledger.ErrNotFound) {
			return refuse(r, "data", "test center "+quote(d.Center)+" is not known")
		} else if err != nil {
			return storeErr(err, "test center "+d.Center)
		}
		b.centers[d.Center] = true
	}
	if r.RecordedAt == "" {
		return refuse(r, "recorded_at", "recorded_at is required")
	}
	at, err := b.stamp(r, "recorded_at", r.RecordedAt)
	if err != nil {
		return err
	}
	if at.After(b.now.Add(policy.ClockSkew)) {
		return refuse(r, "recorded_at", "recorded_at "+r.RecordedAt+" is after the moment of the import ("+
			b.now.Format(time.RFC3339)+"): the ledger holds only what has happened")
	}
	ev := ledger.Event{Type: r.Type, Data: data, RecordedAt: at, Program: r.Program, Decision: decision}
	// What rebuild reports of stored facts, an import refuses: the same
	// detector, run on the stream with this event at its end.
	probe := decoded{Event: ev, D: d}
	probe.Seq = s.version + 1
	for _, f := range findings(s.cand.ID, append(s.events[:len(s.events):len(s.events)], probe), horizonBound(s.prog)) {
		if f.Seq == probe.Seq {
			return refuse(r, "data", f.Message)
		}
	}
	if err := b.add(s, ev, d, false); err != nil {
		var ae *Error
		if errors.As(err, &ae) {
			return err
		}
		return refuse(r, "data", "the event does not fit the history of "+s.cand.ID+": "+err.Error())
	}
	return nil
}

// nonNull is JSON null as no JSON, which the store keeps as NULL.
func nonNull(m json.RawMessage) json.RawMessage {
	if len(m) == 0 || bytes.Equal(m, []byte("null")) {
		return nil
	}
	return m
}

// center creates a test center; one stored with the same details is
// accepted unchanged.
func (b *batch) center(r *Row) error {
	switch {
	case !idPattern.MatchString(r.ID):
		return refuse(r, "id", "id "+quote(r.ID)+" must be 1-64 letters, digits, '_', '.' or '-'")
	case strings.TrimSpace(r.Name) == "":
		return refuse(r, "name", "name is required")
	case r.Seats < 1 || r.Seats > 100000:
		return refuse(r, "seats", "seats per slot must be from 1 to 100000")
	}
	zone := r.TimeZone
	if zone == "" {
		zone = "UTC"
	}
	if _, err := loadZone(zone); err != nil {
		return refuseErr(r, "time_zone", err)
	}
	created, err := b.stamp(r, "created_at", r.CreatedAt)
	if err != nil {
		return err
	}
	c := ledger.Center{ID: r.ID, Name: r.Name, TimeZone: zone, Online: r.Online, Seats: r.Seats, CreatedAt: created, Rev: 1}
	old, err := b.tx.Center(b.ctx, c.ID)
	switch {
	case err == nil:
		if old.Name == c.Name && old.TimeZone == c.TimeZone && old.Online == c.Online && old.Seats == c.Seats {
			return nil
		}
		return refuse(r, "id", "test center "+quote(c.ID)+" already exists with other details")
	case !errors.Is(err, ledger.ErrNotFound):
		return storeErr(err, "test center "+c.ID)
	}
	if err := b.tx.CreateCenter(b.ctx, c); err != nil {
		return storeErr(err, "test center "+c.ID)
	}
	b.centers[c.ID] = true
	return nil
}

// program stores a program version, which must load and carry the id and
// version the row names; an active one becomes the version in force for
// the rows after it.
func (b *batch) program(r *Row) error {
	p, err := definition.Parse(r.ID+"@"+r.Version+".yaml", []byte(r.Source))
	if err != nil {
		return refuse(r, "source", err.Error())
	}
	if p.ID != r.ID || p.Version != r.Version {
		return refuse(r, "source", "the definition is "+p.Label()+", not "+r.ID+"@"+r.Version)
	}
	at, err := b.stamp(r, "uploaded_at", r.UploadedAt)
	if err != nil {
		return err
	}
	vs, err := b.tx.ProgramVersions(b.ctx, r.ID)
	if err != nil {
		return storeErr(err, "program "+r.ID)
	}
	if v, ok := findVersion(vs, r.Version); ok {
		if !bytes.Equal(v.Source, []byte(r.Source)) {
			return refuse(r, "source", "program "+r.ID+" version "+r.Version+" is already stored with another definition")
		}
		if !r.Active || v.Active {
			return nil
		}
		err = b.tx.ActivateProgram(b.ctx, r.ID, r.Version)
	} else {
		err = b.tx.PutProgram(b.ctx, ledger.ProgramVersion{ID: r.ID, Version: r.Version, Source: []byte(r.Source), Active: r.Active, UploadedAt: at})
	}
	if err != nil {
		return storeErr(err, "program "+r.ID+" version "+r.Version)
	}
	delete(b.progs, r.ID) // later rows see the version now in force
	return nil
}

func findVersion(vs []ledger.ProgramVersion, version string) (ledger.ProgramVersion, bool) {
	for _, v := range vs {
		if v.Version == version {
			return v, true
		}
	}
	return ledger.ProgramVersion{}, false
}
