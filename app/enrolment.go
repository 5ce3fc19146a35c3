package app

import (
	"context"
	"time"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// Enrolment is a candidate with the program they are enrolled in and
// their zone: what a page needs to name exams and certifications and to
// show times, without a second way to load a program.
type Enrolment struct {
	Candidate ledger.Candidate
	// Program is the active version, compiled. It is shared with the
	// engine's cache: callers read it and never change it.
	Program *policy.Program
	Zone    *time.Location
}

// Enrolment reads a candidate's record and program: the candidate or staff.
func (a *App) Enrolment(ctx context.Context, pr Principal, candidate string) (Enrolment, error) {
	if !pr.canSeeCandidate(candidate) {
		return Enrolment{}, hidden("candidate " + quoteShort(candidate))
	}
	if err := known("candidate", candidate); err != nil {
		return Enrolment{}, err
	}
	var out Enrolment
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		c, err := tx.Candidate(ctx, candidate)
		if err != nil {
			return storeErr(err, "candidate "+candidate)
		}
		p, err := a.program(ctx, tx, c.Program)
		if err != nil {
			return err
		}
		loc, err := loadZone(c.TimeZone)
		if err != nil {
			loc = time.UTC // as load does: a stored zone was checked when written
		}
		out = Enrolment{Candidate: c, Program: p, Zone: loc}
		return nil
	})
	return out, err
}
