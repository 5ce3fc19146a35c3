package app

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/recert/recert/ledger"
)

// zones caches time zones: loading one reads a file.
var zones sync.Map

// LoadZone is the IANA zone name (cached); "" and "Local" are refused, so
// nothing shows the server's own zone as if it were someone's.
func LoadZone(name string) (*time.Location, error) { return loadZone(name) }

func loadZone(name string) (*time.Location, error) {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location), nil
	}
	if name == "" || name == "Local" {
		return nil, invalid("time_zone", "%q is not an IANA time zone name", name)
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, invalid("time_zone", "%q is not an IANA time zone name (T1)", name)
	}
	zones.Store(name, l)
	return l, nil
}

// CandidateInput creates or updates a candidate.
type CandidateInput struct {
	ID       string // optional on create: generated when empty
	Name     string
	Email    string
	TimeZone string // IANA; default UTC (T1)
	Program  string // default aws
	IfMatch  int64  // on update: the Rev last seen
}

func (in *CandidateInput) check() error {
	if in.ID != "" {
		if err := checkID("id", in.ID); err != nil {
			return err
		}
	}
	if strings.TrimSpace(in.Name) == "" {
		return invalid("name", "name is required")
	}
	if err := checkText("name", in.Name, maxName); err != nil {
		return err
	}
	if in.Email != "" {
		if err := checkEmail("email", in.Email); err != nil {
			return err
		}
	}
	if err := checkText("time_zone", in.TimeZone, maxSearch); err != nil {
		return err
	}
	if in.Program != "" {
		if err := checkID("program", in.Program); err != nil {
			return err
		}
	}
	if in.TimeZone == "" {
		in.TimeZone = "UTC"
	}
	if _, err := loadZone(in.TimeZone); err != nil {
		return err
	}
	if in.Program == "" {
		in.Program = "aws"
	}
	return nil
}

// CreateCandidate registers a candidate. Staff only: candidates receive a
// token once registered.
func (a *App) CreateCandidate(ctx context.Context, pr Principal, in CandidateInput) (ledger.Candidate, error) {
	if err := pr.mustBeStaff("register candidates"); err != nil {
		return ledger.Candidate{}, err
	}
	if err := in.check(); err != nil {
		return ledger.Candidate{}, err
	}
	if in.ID == "" {
		in.ID = a.newID("c_")
	}
	c := ledger.Candidate{ID: in.ID, Name: in.Name, Email: in.Email, TimeZone: in.TimeZone, Program: in.Program, CreatedAt: a.now().UTC(), Rev: 1}
	_, err := a.write(ctx, pr, op{decide: func(w *locked) (any, error) {
		if _, err := a.program(ctx, w.tx, c.Program); err != nil {
			return nil, invalid("program", "program %q is not known", c.Program)
		}
		return c, storeErr(w.tx.CreateCandidate(ctx, c), "candidate "+c.ID)
	}})
	return c, err
}

// Candidate returns a candidate the caller may see.
func (a *App) Candidate(ctx context.Context, pr Principal, id string) (ledger.Candidate, error) {
	if !pr.canSeeCandidate(id) {
		return ledger.Candidate{}, hidden("candidate " + quoteShort(id))
	}
	if err := known("candidate", id); err != nil {
		return ledger.Candidate{}, err
	}
	var c ledger.Candidate
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		c, err = tx.Candidate(ctx, id)
		return storeErr(err, "candidate "+id)
	})
	return c, err
}

// UpdateCandidate changes a candidate's name, email or zone. The caller
// must send the Rev it read (If-Match), so two editors cannot overwrite
// each other unseen.
func (a *App) UpdateCandidate(ctx context.Context, pr Principal, in CandidateInput) (ledger.Candidate, error) {
	if !pr.canSeeCandidate(in.ID) {
		return ledger.Candidate{}, hidden("candidate " + in.ID)
	}
	if in.IfMatch == 0 {
		return ledger.Candidate{}, &Error{Code: CodePrecondition, Message: "an update needs If-Match with the candidate's ETag"}
	}
	if err := checkID("id", in.ID); err != nil {
		return ledger.Candidate{}, err
	}
	v, err := a.write(ctx, pr, op{candidate: in.ID, decide: func(w *locked) (any, error) {
		c := w.s.cand // read after the stream's lock: a zone change cannot race a booking
		if c.Rev != in.IfMatch {
			return nil, &Error{Code: CodePrecondition, Message: "candidate " + in.ID + " has changed since it was read"}
		}
		if in.Name == "" {
			in.Name = c.Name
		}
		if in.Email == "" {
			in.Email = c.Email
		}
		if in.TimeZone == "" {
			in.TimeZone = c.TimeZone
		}
		in.Program = c.Program
		if err := in.check(); err != nil {
			return nil, err
		}
		moved := in.TimeZone != c.TimeZone
		c.Name, c.Email, c.TimeZone = in.Name, in.Email, in.TimeZone
		out, err := w.tx.UpdateCandidate(w.ctx, c)
		if err != nil {
			return nil, storeErr(err, "candidate "+in.ID)
		}
		if moved {
			// Dates are the candidate's own (T1, T2): the move is a fact of
			// the stream, and every date of the read models is recomputed
			// in the new zone now, not at the next rebuild.
			loc, err := loadZone(c.TimeZone)
			if err != nil {
				return nil, err
			}
			if err := w.rezone(loc); err != nil {
				return nil, err
			}
			if err := w.emit(EvZoneChanged, EventData{TimeZone: c.TimeZone}, nil); err != nil {
				return nil, err
			}
		}
		return out, nil
	}})
	out, _ := v.(ledger.Candidate)
	return out, err
}

// ListCandidates pages through candidates; staff only.
func (a *App) ListCandidates(ctx context.Context, pr Principal, p ledger.Page) ([]ledger.Candidate, error) {
	if err := pr.mustBeStaff("list candidates"); err != nil {
		return nil, err
	}
	if err := checkCursor(p); err != nil {
		return nil, err
	}
	var out []ledger.Candidate
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		out, err = tx.ListCandidates(ctx, page(p))
		return storeErr(err, "candidates")
	})
	return out, err
}

// CenterInput creates or updates a test center or the online pool.
type CenterInput struct {
	ID       string
	Name     string
	TimeZone string
	Online   bool
	Seats    int
	IfMatch  int64
}

// CreateCenter adds a test center with its seats per slot. Staff only.
func (a *App) CreateCenter(ctx context.Context, pr Principal, in CenterInput) (ledger.Center, error) {
	if err := pr.mustBeStaff("create test centers"); err != nil {
		return ledger.Center{}, err
	}
	if in.ID != "" {
		if err := checkID("id", in.ID); err != nil {
			return ledger.Center{}, err
		}
	}
	if strings.TrimSpace(in.Name) == "" {
		return ledger.Center{}, invalid("name", "name is required")
	}
	if err := checkText("name", in.Name, maxName); err != nil {
		return ledger.Center{}, err
	}
	if err := checkText("time_zone", in.TimeZone, maxSearch); err != nil {
		return ledger.Center{}, err
	}
	if in.Seats < 1 || in.Seats > 100000 {
		return ledger.Center{}, invalid("seats", "seats per slot must be from 1 to 100000")
	}
	if in.TimeZone == "" {
		in.TimeZone = "UTC"
	}
	if _, err := loadZone(in.TimeZone); err != nil {
		return ledger.Center{}, err
	}
	if in.ID == "" {
		in.ID = a.newID("tc_")
	}
	c := ledger.Center{ID: in.ID, Name: in.Name, TimeZone: in.TimeZone, Online: in.Online, Seats: in.Seats, CreatedAt: a.now().UTC(), Rev: 1}
	_, err := a.write(ctx, pr, op{decide: func(w *locked) (any, error) {
		return c, storeErr(w.tx.CreateCenter(ctx, c), "test center "+c.ID)
	}})
	return c, err
}

// Center returns a test center; anyone authenticated may see centers.
func (a *App) Center(ctx context.Context, pr Principal, id string) (ledger.Center, error) {
	if err := known("test center", id); err != nil {
		return ledger.Center{}, err
	}
	var c ledger.Center
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		c, err = tx.Center(ctx, id)
		return storeErr(err, "test center "+id)
	})
	return c, err
}

// UpdateCenter changes a center's name or seats (If-Match). Staff, or the
// center itself for its own seats.
func (a *App) UpdateCenter(ctx context.Context, pr Principal, in CenterInput) (ledger.Center, error) {
	if !pr.isStaff() && !(pr.Role == RoleCenter && pr.Subject == in.ID) {
		return ledger.Center{}, forbidden("change another test center")
	}
	if in.IfMatch == 0 {
		return ledger.Center{}, &Error{Code: CodePrecondition, Message: "an update needs If-Match with the center's ETag"}
	}
	if err := checkID("id", in.ID); err != nil {
		return ledger.Center{}, err
	}
	if in.Name != "" {
		if err := checkText("name", in.Name, maxName); err != nil {
			return ledger.Center{}, err
		}
	}
	v, err := a.write(ctx, pr, op{decide: func(w *locked) (any, error) {
		c, err := w.tx.Center(w.ctx, in.ID)
		if err != nil {
			return nil, storeErr(err, "test center "+in.ID)
		}
		if c.Rev != in.IfMatch {
			return nil, &Error{Code: CodePrecondition, Message: "test center " + in.ID + " has changed since it was read"}
		}
		if in.Name != "" {
			c.Name = in.Name
		}
		if in.Seats != 0 {
			if in.Seats < 1 || in.Seats > 100000 {
				return nil, invalid("seats", "seats per slot must be from 1 to 100000")
			}
			c.Seats = in.Seats
		}
		out, err := w.tx.UpdateCenter(w.ctx, c)
		return out, storeErr(err, "test center "+in.ID)
	}})
	out, _ := v.(ledger.Center)
	return out, err
}

// ListCenters pages through test centers.
func (a *App) ListCenters(ctx context.Context, pr Principal, p ledger.Page) ([]ledger.Center, error) {
	if err := checkCursor(p); err != nil {
		return nil, err
	}
	var out []ledger.Center
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		out, err = tx.ListCenters(ctx, page(p))
		return storeErr(err, "test centers")
	})
	return out, err
}
