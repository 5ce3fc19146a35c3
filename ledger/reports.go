package ledger

import (
	"context"
	"time"
)

// ExamPasses is how the results of one exam went: every sitting recorded
// and how many of them passed.
type ExamPasses struct {
	Exam     string
	Sittings int
	Passed   int
}

// DomainPasses is how one domain of one exam went across its score
// reports: the reports that graded it and how many met its standard.
type DomainPasses struct {
	Exam    string
	Domain  string
	Graded  int
	Meeting int
}

// ExamAppointments counts one exam's appointments by outcome. Rescheduled
// counts appointments moved at least once, whatever their state now.
type ExamAppointments struct {
	Exam        string
	Booked      int // every appointment ever made
	Rescheduled int
	Sat         int
	Missed      int
	Cancelled   int
}

// Expiring is a certification about to expire with its holder's name and
// e-mail address, read in the same statement so that a report of a
// thousand rows is one query, not a thousand and one.
type Expiring struct {
	Certification
	Name, Email string // empty when the candidate has no record
}

// SlotUse is a slot with seats taken, from the seat counts.
type SlotUse struct {
	Slot  time.Time
	Taken int
}

// Reports are the staff pages' queries over the read models: each is one
// aggregate statement, so a report costs the same whether a program has a
// hundred candidates or a million (no query per candidate).
type Reports interface {
	// ExpiringCertifications lists the certifications, not revoked, whose
	// term ends on a day from from to to (YYYY-MM-DD, both inclusive),
	// ordered by ExpiresOn, Candidate, Certification; at most limit
	// (<= 0: no limit).
	ExpiringCertifications(ctx context.Context, from, to string, limit int) ([]Expiring, error)
	// ExamPasses is one row per exam with results, in exam order.
	ExamPasses(ctx context.Context) ([]ExamPasses, error)
	// DomainPasses is one row per exam and domain graded in a score
	// report, in (exam, domain) order.
	DomainPasses(ctx context.Context) ([]DomainPasses, error)
	// ExamAppointments is one row per exam with appointments, in exam order.
	ExamAppointments(ctx context.Context) ([]ExamAppointments, error)
	// SlotUses lists the center's slots from from (inclusive) to to
	// (exclusive) with at least one seat taken, in slot order.
	SlotUses(ctx context.Context, center string, from, to time.Time) ([]SlotUse, error)
	// SearchCandidates finds candidates whose id is q, or whose e-mail
	// address or name (or a word of the name) starts with q, ignoring
	// case; ordered by name then id, at most limit (<= 0: no limit). An
	// empty q finds nobody.
	SearchCandidates(ctx context.Context, q string, limit int) ([]Candidate, error)
}
