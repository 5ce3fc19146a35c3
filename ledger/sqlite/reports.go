package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/recert/recert/ledger"
)

var _ ledger.Reports = (*tx)(nil)

// prefixEnd is past every string that starts with a prefix: the highest
// code point, whose UTF-8 sorts after any other's.
const prefixEnd = "\U0010FFFF"

// ExpiringCertifications reads the certifications index by expiry day.
func (t *tx) ExpiringCertifications(ctx context.Context, from, to string, n int) ([]ledger.Expiring, error) {
	var out []ledger.Expiring
	err := t.query(ctx, func(rows *sql.Rows) error {
		var c ledger.Expiring
		var name, email sql.NullString
		if err := rows.Scan(&c.Candidate, &c.Certification.Certification, &c.EarnedOn, &c.ExpiresOn, &c.BasisExam,
			&c.BasisDate, &c.Renewed, &c.Revoked, &name, &email); err != nil {
			return err
		}
		c.Name, c.Email = name.String, email.String
		out = append(out, c)
		return nil
	}, `SELECT c.candidate, c.certification, c.earned_on, c.expires_on, c.basis_exam, c.basis_date, c.renewed, c.revoked,
			p.name, p.email
		FROM certifications c LEFT JOIN candidates p ON p.id = c.candidate
		WHERE c.expires_on >= ? AND c.expires_on <= ? AND c.expires_on <> '' AND c.revoked = 0
		ORDER BY c.expires_on, c.candidate, c.certification LIMIT ?`, from, to, limit(n))
	if err != nil {
		return nil, fmt.Errorf("ledger/sqlite: certifications expiring %s to %s: %w", from, to, err)
	}
	return out, nil
}

// ExamPasses counts results per exam in one pass over the results.
func (t *tx) ExamPasses(ctx context.Context) ([]ledger.ExamPasses, error) {
	var out []ledger.ExamPasses
	err := t.query(ctx, func(rows *sql.Rows) error {
		var p ledger.ExamPasses
		if err := rows.Scan(&p.Exam, &p.Sittings, &p.Passed); err != nil {
			return err
		}
		out = append(out, p)
		return nil
	}, `SELECT exam, COUNT(*), SUM(passed) FROM results GROUP BY exam ORDER BY exam`)
	if err != nil {
		return nil, fmt.Errorf("ledger/sqlite: pass rates per exam: %w", err)
	}
	return out, nil
}

// DomainPasses unnests the score reports' domains (JSON arrays of
// policy.DomainResult) with json_each and counts them per exam and domain.
func (t *tx) DomainPasses(ctx context.Context) ([]ledger.DomainPasses, error) {
	var out []ledger.DomainPasses
	err := t.query(ctx, func(rows *sql.Rows) error {
		var p ledger.DomainPasses
		if err := rows.Scan(&p.Exam, &p.Domain, &p.Graded, &p.Meeting); err != nil {
			return err
		}
		out = append(out, p)
		return nil
	}, `SELECT r.exam, json_extract(d.value, '$.Domain') AS domain, COUNT(*),
			SUM(CASE WHEN json_extract(d.value, '$.Meets') THEN 1 ELSE 0 END)
		FROM results r, json_each(r.domains) d
		WHERE r.domains IS NOT NULL
		GROUP BY r.exam, domain ORDER BY r.exam, domain`)
	if err != nil {
		return nil, fmt.Errorf("ledger/sqlite: pass rates per domain: %w", err)
	}
	return out, nil
}

// ExamAppointments counts appointments per exam by state in one pass.
func (t *tx) ExamAppointments(ctx context.Context) ([]ledger.ExamAppointments, error) {
	var out []ledger.ExamAppointments
	err := t.query(ctx, func(rows *sql.Rows) error {
		var a ledger.ExamAppointments
		if err := rows.Scan(&a.Exam, &a.Booked, &a.Rescheduled, &a.Sat, &a.Missed, &a.Cancelled); err != nil {
			return err
		}
		out = append(out, a)
		return nil
	}, `SELECT exam, COUNT(*), SUM(reschedules > 0), SUM(state = 'sat'), SUM(state = 'missed'), SUM(state = 'cancelled')
		FROM appointments GROUP BY exam ORDER BY exam`)
	if err != nil {
		return nil, fmt.Errorf("ledger/sqlite: appointment rates per exam: %w", err)
	}
	return out, nil
}

// SlotUses reads the seat counts of one center's slots in a range.
func (t *tx) SlotUses(ctx context.Context, center string, from, to time.Time) ([]ledger.SlotUse, error) {
	var out []ledger.SlotUse
	err := t.query(ctx, func(rows *sql.Rows) error {
		var u ledger.SlotUse
		var slot int64
		if err := rows.Scan(&slot, &u.Taken); err != nil {
			return err
		}
		u.Slot = fromMicros(slot)
		out = append(out, u)
		return nil
	}, `SELECT slot, taken FROM seat_usage WHERE center = ? AND slot >= ? AND slot < ? AND taken > 0 ORDER BY slot`,
		center, micros(from), micros(to))
	if err != nil {
		return nil, fmt.Errorf("ledger/sqlite: seats of %q from %s: %w", center, from.Format(time.RFC3339), err)
	}
	return out, nil
}

// SearchCandidates matches prefixes through the lower(name) and
// lower(email) indexes; the match on a later word of the name is a LIKE,
// which scans. SQLite's lower() folds ASCII letters only.
func (t *tx) SearchCandidates(ctx context.Context, q string, n int) ([]ledger.Candidate, error) {
	id := strings.TrimSpace(q)
	q = strings.ToLower(id)
	if q == "" {
		return nil, nil
	}
	var out []ledger.Candidate
	err := t.query(ctx, func(rows *sql.Rows) error {
		c, err := scanCandidate(rows)
		if err != nil {
			return err
		}
		out = append(out, c)
		return nil
	}, `SELECT `+candidateColumns+` FROM candidates
		WHERE id = ?1
		   OR (lower(name) >= ?2 AND lower(name) < ?3)
		   OR (lower(email) >= ?2 AND lower(email) < ?3)
		   OR lower(name) LIKE ?4 ESCAPE '\'
		ORDER BY name, id LIMIT ?5`, id, q, q+prefixEnd, "% "+likeEscape(q)+"%", limit(n))
	if err != nil {
		return nil, fmt.Errorf("ledger/sqlite: search candidates for %q: %w", q, err)
	}
	return out, nil
}

// likeEscape makes q match itself in a LIKE pattern.
func likeEscape(q string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q)
}
