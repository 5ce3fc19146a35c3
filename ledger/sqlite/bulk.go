package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/recert/recert/ledger"
)

// chunk is how many rows one multi-row INSERT carries: SQLite allows 32,766
// parameters, and 256 rows of the widest table (13 columns, 3,328 parameters) stay far below.
const chunk = 256

var _ ledger.Bulk = (*tx)(nil)

// placeholders writes the VALUES list of a multi-row INSERT.
func placeholders(cols, rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", cols), ",") + ")"
	return strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
}

// insertMany inserts rows (each cols values) in statements of up to chunk
// rows: a batch of ten thousand events is some hundred statements rather
// than ten thousand.
func (t *tx) insertMany(ctx context.Context, head string, cols int, rows [][]any) error {
	for len(rows) > 0 {
		n := min(chunk, len(rows))
		args := make([]any, 0, n*cols)
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		if _, err := t.exec(ctx, head+placeholders(cols, n), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// AppendStreams checks every stream's version with one query per 500
// candidates, then inserts all the events; the primary key (candidate,
// seq) still refuses a racing writer's events, as ErrConflict.
func (t *tx) AppendStreams(ctx context.Context, candidates []string, expected []int64, events [][]ledger.Event) error {
	if err := t.writable("AppendStreams"); err != nil {
		return err
	}
	if len(candidates) != len(expected) || len(candidates) != len(events) {
		return fmt.Errorf("ledger/sqlite: append streams: %d candidates, %d versions and %d event lists", len(candidates), len(expected), len(events))
	}
	for i := 0; i < len(candidates); i += 500 {
		ids := candidates[i:min(i+500, len(candidates))]
		args := make([]any, len(ids))
		for k, id := range ids {
			args[k] = id
		}
		have := map[string]int64{}
		err := t.query(ctx, func(rows *sql.Rows) error {
			var c string
			var v int64
			if err := rows.Scan(&c, &v); err != nil {
				return err
			}
			have[c] = v
			return nil
		}, `SELECT candidate, MAX(seq) FROM events WHERE candidate IN (`+strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")+`) GROUP BY candidate`, args...)
		if err != nil {
			return err
		}
		for k, id := range ids {
			if have[id] != expected[i+k] {
				return fmt.Errorf("ledger/sqlite: append to %q at version %d, stream is at %d: %w", id, expected[i+k], have[id], ledger.ErrConflict)
			}
		}
	}
	var rows [][]any
	for i, id := range candidates {
		for k, e := range events[i] {
			rows = append(rows, []any{id, expected[i] + int64(k) + 1, e.Type, jsonText(e.Data), micros(e.RecordedAt), e.Program, jsonText(e.Decision)})
		}
	}
	err := t.insertMany(ctx, `INSERT INTO events (candidate, seq, type, data, recorded_at, program, decision) VALUES `, 7, rows)
	if isConstraint(err) {
		return fmt.Errorf("ledger/sqlite: append streams: %w", ledger.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("ledger/sqlite: append streams: %w", err)
	}
	return nil
}

// ReplaceViews clears the views' rows with one DELETE per table per 500
// candidates and inserts the new rows in multi-row INSERTs.
func (t *tx) ReplaceViews(ctx context.Context, views []ledger.View) error {
	if err := t.writable("ReplaceViews"); err != nil {
		return err
	}
	for _, v := range views {
		if err := ownRows(v); err != nil {
			return fmt.Errorf("ledger/sqlite: replace views: %w", err)
		}
	}
	for i := 0; i < len(views); i += 500 {
		vs := views[i:min(i+500, len(views))]
		args := make([]any, len(vs))
		for k, v := range vs {
			args[k] = v.Candidate
		}
		in := strings.TrimSuffix(strings.Repeat("?,", len(vs)), ",")
		for _, table := range viewTables {
			if _, err := t.exec(ctx, `DELETE FROM `+table+` WHERE candidate IN (`+in+`)`, args...); err != nil {
				return fmt.Errorf("ledger/sqlite: replace views: clear %s: %w", table, err)
			}
		}
	}
	var ap, rs, cs, vo, fe, nt [][]any
	for _, v := range views {
		for i, a := range v.Appointments {
			ap = append(ap, []any{a.ID, v.Candidate, i, a.Exam, a.Center, micros(a.Slot), a.State, micros(a.BookedAt), a.Reschedules, a.Voucher, a.FeeMinor, a.Currency, a.Rev})
		}
		for i, r := range v.Results {
			var raw sql.NullInt64
			if r.Raw != nil {
				raw = sql.NullInt64{Int64: int64(*r.Raw), Valid: true}
			}
			rs = append(rs, []any{v.Candidate, i, r.ID, r.Appointment, r.Exam, micros(r.SatAt), micros(r.RecordedAt), r.Scaled, r.Passed, r.Form, raw, jsonText(r.Domains)})
		}
		for i, c := range v.Certifications {
			cs = append(cs, []any{v.Candidate, i, c.Certification, c.EarnedOn, c.ExpiresOn, c.BasisExam, c.BasisDate, c.Renewed, c.Revoked})
		}
		for i, w := range v.Vouchers {
			vo = append(vo, []any{v.Candidate, i, w.ID, w.FromExam, w.IssuedOn, w.ExpiresOn, w.Discount, w.State, w.Appointment})
		}
		for i, f := range v.Fees {
			fe = append(fe, []any{v.Candidate, i, f.Seq, f.Appointment, f.Kind, f.AmountMinor, f.Currency, micros(f.At)})
		}
		for _, n := range v.Notices {
			nt = append(nt, noticeRow(v.Candidate, n))
		}
	}
	for _, x := range []struct {
		head string
		cols int
		rows [][]any
	}{
		{`INSERT INTO appointments (id, candidate, ord, exam, center, slot, state, booked_at, reschedules, voucher, fee_minor, currency, rev) VALUES `, 13, ap},
		{`INSERT INTO results (candidate, ord, id, appointment, exam, sat_at, recorded_at, scaled, passed, form, raw, domains) VALUES `, 12, rs},
		{`INSERT INTO certifications (candidate, ord, certification, earned_on, expires_on, basis_exam, basis_date, renewed, revoked) VALUES `, 9, cs},
		{`INSERT INTO vouchers (candidate, ord, id, from_exam, issued_on, expires_on, discount, state, appointment) VALUES `, 9, vo},
		{`INSERT INTO fees (candidate, ord, seq, appointment, kind, amount_minor, currency, at) VALUES `, 8, fe},
	} {
		err := t.insertMany(ctx, x.head, x.cols, x.rows)
		if isConstraint(err) {
			return fmt.Errorf("ledger/sqlite: replace views: an appointment id is another candidate's: %w", ledger.ErrExists)
		}
		if err != nil {
			return fmt.Errorf("ledger/sqlite: replace views: %w", err)
		}
	}
	// Notices are keyed by identity: a clash is one notice twice in a view.
	if err := t.insertMany(ctx, `INSERT INTO notices (`+noticeColumns+`) VALUES `, 8, nt); err != nil {
		return fmt.Errorf("ledger/sqlite: replace views: notices: %w", err)
	}
	return nil
}

// ownRows refuses a view holding a row of another candidate.
func ownRows(v ledger.View) error {
	if v.Candidate == "" {
		return fmt.Errorf("a view without a candidate")
	}
	bad := func(kind, c string) error {
		if c != "" && c != v.Candidate {
			return fmt.Errorf("%s of candidate %q in the view of %q", kind, c, v.Candidate)
		}
		return nil
	}
	for _, a := range v.Appointments {
		if err := bad("appointment "+a.ID, a.Candidate); err != nil {
			return err
		}
	}
	for _, r := range v.Results {
		if err := bad("result "+r.ID, r.Candidate); err != nil {
			return err
		}
	}
	for _, c := range v.Certifications {
		if err := bad("certification "+c.Certification, c.Candidate); err != nil {
			return err
		}
	}
	for _, w := range v.Vouchers {
		if err := bad("voucher "+w.ID, w.Candidate); err != nil {
			return err
		}
	}
	for _, f := range v.Fees {
		if err := bad("fee", f.Candidate); err != nil {
			return err
		}
	}
	for _, n := range v.Notices {
		if err := bad("notice "+n.Kind+" "+n.Subject, n.Candidate); err != nil {
			return err
		}
	}
	return nil
}
