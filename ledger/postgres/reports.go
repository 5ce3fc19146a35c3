package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/recert/recert/ledger"
)

var _ ledger.Reports = (*tx)(nil)

// prefixEnd is past every string that starts with a prefix: the highest
// code point, whose UTF-8 sorts after any other's under COLLATE "C".
const prefixEnd = "\U0010FFFF"

// ExpiringCertifications reads the certifications index by expiry day.
func (t *tx) ExpiringCertifications(ctx context.Context, from, to string, n int) ([]ledger.Expiring, error) {
	rows, err := t.tx.Query(ctx, `SELECT c.candidate, c.certification, c.earned_on, c.expires_on, c.basis_exam,
			c.basis_date, c.renewed, c.revoked, coalesce(p.name, ''), coalesce(p.email, '')
		FROM certifications c LEFT JOIN candidates p ON p.id = c.candidate
		WHERE c.expires_on >= $1 AND c.expires_on <= $2 AND c.expires_on <> '' AND NOT c.revoked
		ORDER BY c.expires_on, c.candidate COLLATE "C", c.certification COLLATE "C" LIMIT $3`, from, to, limit(n))
	return all(rows, err, func(r pgx.CollectableRow) (ledger.Expiring, error) {
		var x ledger.Expiring
		err := r.Scan(&x.Candidate, &x.Certification.Certification, &x.EarnedOn, &x.ExpiresOn, &x.BasisExam,
			&x.BasisDate, &x.Renewed, &x.Revoked, &x.Name, &x.Email)
		return x, err
	}, fmt.Sprintf("certifications expiring %s to %s", from, to))
}

// ExamPasses counts results per exam in one pass over the results.
func (t *tx) ExamPasses(ctx context.Context) ([]ledger.ExamPasses, error) {
	rows, err := t.tx.Query(ctx, `SELECT exam, COUNT(*), COUNT(*) FILTER (WHERE passed)
		FROM results GROUP BY exam ORDER BY exam COLLATE "C"`)
	return all(rows, err, func(r pgx.CollectableRow) (ledger.ExamPasses, error) {
		var p ledger.ExamPasses
		err := r.Scan(&p.Exam, &p.Sittings, &p.Passed)
		return p, err
	}, "pass rates per exam")
}

// DomainPasses unnests the score reports' domains (JSON arrays of
// policy.DomainResult, stored as bytes) and counts them per exam and domain.
func (t *tx) DomainPasses(ctx context.Context) ([]ledger.DomainPasses, error) {
	rows, err := t.tx.Query(ctx, `SELECT r.exam, d.value->>'Domain' AS domain, COUNT(*),
			COUNT(*) FILTER (WHERE (d.value->>'Meets')::boolean)
		FROM results r, jsonb_array_elements(convert_from(r.domains, 'UTF8')::jsonb) d
		WHERE r.domains IS NOT NULL
		GROUP BY r.exam, d.value->>'Domain'
		ORDER BY r.exam COLLATE "C", (d.value->>'Domain') COLLATE "C"`)
	return all(rows, err, func(r pgx.CollectableRow) (ledger.DomainPasses, error) {
		var p ledger.DomainPasses
		err := r.Scan(&p.Exam, &p.Domain, &p.Graded, &p.Meeting)
		return p, err
	}, "pass rates per domain")
}

// ExamAppointments counts appointments per exam by state in one pass.
func (t *tx) ExamAppointments(ctx context.Context) ([]ledger.ExamAppointments, error) {
	rows, err := t.tx.Query(ctx, `SELECT exam, COUNT(*), COUNT(*) FILTER (WHERE reschedules > 0),
			COUNT(*) FILTER (WHERE state = 'sat'), COUNT(*) FILTER (WHERE state = 'missed'),
			COUNT(*) FILTER (WHERE state = 'cancelled')
		FROM appointments GROUP BY exam ORDER BY exam COLLATE "C"`)
	return all(rows, err, func(r pgx.CollectableRow) (ledger.ExamAppointments, error) {
		var a ledger.ExamAppointments
		err := r.Scan(&a.Exam, &a.Booked, &a.Rescheduled, &a.Sat, &a.Missed, &a.Cancelled)
		return a, err
	}, "appointment rates per exam")
}

// SlotUses reads the seat counts of one center's slots in a range.
func (t *tx) SlotUses(ctx context.Context, center string, from, to time.Time) ([]ledger.SlotUse, error) {
	rows, err := t.tx.Query(ctx, `SELECT slot, taken FROM seat_usage
		WHERE center = $1 AND slot >= $2 AND slot < $3 AND taken > 0 ORDER BY slot`, center, from, to)
	return all(rows, err, func(r pgx.CollectableRow) (ledger.SlotUse, error) {
		var u ledger.SlotUse
		err := r.Scan(&u.Slot, &u.Taken)
		u.Slot = u.Slot.UTC()
		return u, err
	}, fmt.Sprintf("seats of %q from %s", center, from.Format(time.RFC3339)))
}

// SearchCandidates matches prefixes through the lower(name) and
// lower(email) indexes (COLLATE "C": a prefix is a byte range); the match
// on a later word of the name is a LIKE, which scans.
func (t *tx) SearchCandidates(ctx context.Context, q string, n int) ([]ledger.Candidate, error) {
	id := strings.TrimSpace(q)
	q = strings.ToLower(id)
	if q == "" {
		return nil, nil
	}
	rows, err := t.tx.Query(ctx, "SELECT "+candidateColumns+` FROM candidates
		WHERE id = $1
		   OR (lower(name) COLLATE "C" >= $2 AND lower(name) COLLATE "C" < $3)
		   OR (lower(email) COLLATE "C" >= $2 AND lower(email) COLLATE "C" < $3)
		   OR lower(name) LIKE $4
		ORDER BY name COLLATE "C", id LIMIT $5`, id, q, q+prefixEnd, "% "+likeEscape(q)+"%", limit(n))
	return all(rows, err, scanCandidate, fmt.Sprintf("search candidates for %q", q))
}

// likeEscape makes q match itself in a LIKE pattern (backslash escapes).
func likeEscape(q string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q)
}
