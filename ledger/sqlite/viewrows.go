package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/recert/recert/ledger"
)

// query runs a SELECT and hands each row to scan, closing rows after.
func (t *tx) query(ctx context.Context, scan func(*sql.Rows) error, query string, args ...any) error {
	rows, err := t.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// appointments selects appointments; tail is the WHERE/ORDER/LIMIT part.
func (t *tx) appointments(ctx context.Context, tail string, args ...any) ([]ledger.Appointment, error) {
	var out []ledger.Appointment
	err := t.query(ctx, func(rows *sql.Rows) error {
		var a ledger.Appointment
		var slot, booked int64
		if err := rows.Scan(&a.ID, &a.Candidate, &a.Exam, &a.Center, &slot, &a.State, &booked,
			&a.Reschedules, &a.Voucher, &a.FeeMinor, &a.Currency, &a.Rev); err != nil {
			return err
		}
		a.Slot, a.BookedAt = fromMicros(slot), fromMicros(booked)
		out = append(out, a)
		return nil
	}, `SELECT id, candidate, exam, center, slot, state, booked_at, reschedules, voucher, fee_minor, currency, rev
		FROM appointments `+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("appointments: %w", err)
	}
	return out, nil
}

func (t *tx) results(ctx context.Context, candidate string) ([]ledger.Result, error) {
	var out []ledger.Result
	err := t.query(ctx, func(rows *sql.Rows) error {
		var r ledger.Result
		var sat, recorded int64
		var raw sql.NullInt64
		var domains sql.NullString
		if err := rows.Scan(&r.ID, &r.Candidate, &r.Appointment, &r.Exam, &sat, &recorded,
			&r.Scaled, &r.Passed, &r.Form, &raw, &domains); err != nil {
			return err
		}
		r.SatAt, r.RecordedAt, r.Domains = fromMicros(sat), fromMicros(recorded), jsonRaw(domains)
		if raw.Valid {
			n := int(raw.Int64)
			r.Raw = &n
		}
		out = append(out, r)
		return nil
	}, `SELECT id, candidate, appointment, exam, sat_at, recorded_at, scaled, passed, form, raw, domains
		FROM results WHERE candidate = ? ORDER BY ord`, candidate)
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	return out, nil
}

func (t *tx) certifications(ctx context.Context, candidate string) ([]ledger.Certification, error) {
	var out []ledger.Certification
	err := t.query(ctx, func(rows *sql.Rows) error {
		var c ledger.Certification
		if err := rows.Scan(&c.Candidate, &c.Certification, &c.EarnedOn, &c.ExpiresOn, &c.BasisExam,
			&c.BasisDate, &c.Renewed, &c.Revoked); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	}, `SELECT candidate, certification, earned_on, expires_on, basis_exam, basis_date, renewed, revoked
		FROM certifications WHERE candidate = ? ORDER BY ord`, candidate)
	if err != nil {
		return nil, fmt.Errorf("certifications: %w", err)
	}
	return out, nil
}

func (t *tx) vouchers(ctx context.Context, candidate string) ([]ledger.Voucher, error) {
	var out []ledger.Voucher
	err := t.query(ctx, func(rows *sql.Rows) error {
		var w ledger.Voucher
		if err := rows.Scan(&w.ID, &w.Candidate, &w.FromExam, &w.IssuedOn, &w.ExpiresOn, &w.Discount,
			&w.State, &w.Appointment); err != nil {
			return err
		}
		out = append(out, w)
		return nil
	}, `SELECT id, candidate, from_exam, issued_on, expires_on, discount, state, appointment
		FROM vouchers WHERE candidate = ? ORDER BY ord`, candidate)
	if err != nil {
		return nil, fmt.Errorf("vouchers: %w", err)
	}
	return out, nil
}

// fees selects fee lines; tail is the WHERE/ORDER/LIMIT part.
func (t *tx) fees(ctx context.Context, tail string, args ...any) ([]ledger.Fee, error) {
	var out []ledger.Fee
	err := t.query(ctx, func(rows *sql.Rows) error {
		var f ledger.Fee
		var at int64
		if err := rows.Scan(&f.Candidate, &f.Seq, &f.Appointment, &f.Kind, &f.AmountMinor, &f.Currency, &at); err != nil {
			return err
		}
		f.At = fromMicros(at)
		out = append(out, f)
		return nil
	}, `SELECT candidate, seq, appointment, kind, amount_minor, currency, at FROM fees `+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("fees: %w", err)
	}
	return out, nil
}
