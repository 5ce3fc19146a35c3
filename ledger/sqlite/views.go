package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/recert/recert/ledger"
)

// viewTables are the read-model tables, each with a candidate column.
var viewTables = []string{"appointments", "results", "certifications", "vouchers", "fees", "notices"}

// ReplaceView deletes every read-model row of v.Candidate and inserts v's.
// Each row keeps its position (ord) so View gives the slices back in the
// order they came. A row's Candidate may be left empty (it is v.Candidate);
// a row naming another candidate is refused, as is an appointment id that
// another candidate's view holds (ledger.ErrExists).
func (t *tx) ReplaceView(ctx context.Context, v ledger.View) error {
	if err := t.writable("ReplaceView"); err != nil {
		return err
	}
	if v.Candidate == "" {
		return errors.New("ledger/sqlite: replace view: no candidate")
	}
	for _, table := range viewTables {
		if _, err := t.exec(ctx, `DELETE FROM `+table+` WHERE candidate = ?`, v.Candidate); err != nil {
			return fmt.Errorf("ledger/sqlite: replace view of %q: clear %s: %w", v.Candidate, table, err)
		}
	}
	if err := t.insertRows(ctx, v, stored{}); err != nil {
		return fmt.Errorf("ledger/sqlite: replace view of %q: %w", v.Candidate, err)
	}
	return nil
}

var _ ledger.ViewDelta = (*tx)(nil)

// ReplaceViewFrom is ReplaceView for a view whose stored rows are old: a
// table whose rows are unchanged is not touched, and one whose old rows
// are the start of its new rows (a fee line, an appointment booked) only
// gets the new ones. A booking then writes two rows, not every row of the
// candidate's read models, inside the single writer's critical section.
func (t *tx) ReplaceViewFrom(ctx context.Context, old, v ledger.View) error {
	if err := t.writable("ReplaceViewFrom"); err != nil {
		return err
	}
	if v.Candidate == "" || old.Candidate != v.Candidate {
		return fmt.Errorf("ledger/sqlite: replace view: the old view is of %q, the new of %q", old.Candidate, v.Candidate)
	}
	var skip stored
	kept := ledger.Kept(old, v)
	for i, table := range viewTables {
		if kept[i] >= 0 {
			skip[i] = kept[i]
			continue
		}
		if _, err := t.exec(ctx, `DELETE FROM `+table+` WHERE candidate = ?`, v.Candidate); err != nil {
			return fmt.Errorf("ledger/sqlite: replace view of %q: clear %s: %w", v.Candidate, table, err)
		}
	}
	if err := t.insertRows(ctx, v, skip); err != nil {
		return fmt.Errorf("ledger/sqlite: replace view of %q: %w", v.Candidate, err)
	}
	return nil
}

// stored counts, per view table in viewTables order, the leading rows of
// a view that are stored already and are not inserted again.
type stored [6]int

func (t *tx) insertRows(ctx context.Context, v ledger.View, skip stored) error {
	own := func(kind, candidate string) error {
		if candidate != "" && candidate != v.Candidate {
			return fmt.Errorf("%s of candidate %q in the view of %q", kind, candidate, v.Candidate)
		}
		return nil
	}
	for i, a := range v.Appointments[skip[0]:] {
		i += skip[0]
		if err := own("appointment "+a.ID, a.Candidate); err != nil {
			return err
		}
		_, err := t.exec(ctx, `INSERT INTO appointments (id, candidate, ord, exam, center, slot, state, booked_at,
			reschedules, voucher, fee_minor, currency, rev) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, v.Candidate, i, a.Exam, a.Center, micros(a.Slot), a.State, micros(a.BookedAt),
			a.Reschedules, a.Voucher, a.FeeMinor, a.Currency, a.Rev)
		if isConstraint(err) {
			return fmt.Errorf("appointment %q: %w", a.ID, ledger.ErrExists)
		}
		if err != nil {
			return fmt.Errorf("appointment %q: %w", a.ID, err)
		}
	}
	for i, r := range v.Results[skip[1]:] {
		i += skip[1]
		if err := own("result "+r.ID, r.Candidate); err != nil {
			return err
		}
		var raw sql.NullInt64
		if r.Raw != nil {
			raw = sql.NullInt64{Int64: int64(*r.Raw), Valid: true}
		}
		_, err := t.exec(ctx, `INSERT INTO results (candidate, ord, id, appointment, exam, sat_at, recorded_at,
			scaled, passed, form, raw, domains) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			v.Candidate, i, r.ID, r.Appointment, r.Exam, micros(r.SatAt), micros(r.RecordedAt),
			r.Scaled, r.Passed, r.Form, raw, jsonText(r.Domains))
		if err != nil {
			return fmt.Errorf("result %q: %w", r.ID, err)
		}
	}
	for i, c := range v.Certifications[skip[2]:] {
		i += skip[2]
		if err := own("certification "+c.Certification, c.Candidate); err != nil {
			return err
		}
		_, err := t.exec(ctx, `INSERT INTO certifications (candidate, ord, certification, earned_on, expires_on,
			basis_exam, basis_date, renewed, revoked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			v.Candidate, i, c.Certification, c.EarnedOn, c.ExpiresOn, c.BasisExam, c.BasisDate, c.Renewed, c.Revoked)
		if err != nil {
			return fmt.Errorf("certification %q: %w", c.Certification, err)
		}
	}
	for i, w := range v.Vouchers[skip[3]:] {
		i += skip[3]
		if err := own("voucher "+w.ID, w.Candidate); err != nil {
			return err
		}
		_, err := t.exec(ctx, `INSERT INTO vouchers (candidate, ord, id, from_exam, issued_on, expires_on, discount,
			state, appointment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			v.Candidate, i, w.ID, w.FromExam, w.IssuedOn, w.ExpiresOn, w.Discount, w.State, w.Appointment)
		if err != nil {
			return fmt.Errorf("voucher %q: %w", w.ID, err)
		}
	}
	for i, f := range v.Fees[skip[4]:] {
		i += skip[4]
		if err := own(fmt.Sprintf("fee of event %d", f.Seq), f.Candidate); err != nil {
			return err
		}
		_, err := t.exec(ctx, `INSERT INTO fees (candidate, ord, seq, appointment, kind, amount_minor, currency, at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			v.Candidate, i, f.Seq, f.Appointment, f.Kind, f.AmountMinor, f.Currency, micros(f.At))
		if err != nil {
			return fmt.Errorf("fee of event %d: %w", f.Seq, err)
		}
	}
	return t.insertNotices(ctx, v.Candidate, v.Notices[skip[5]:])
}

// View reads a candidate's read models back; a candidate without any is an
// empty View, not an error.
func (t *tx) View(ctx context.Context, candidate string) (ledger.View, error) {
	v := ledger.View{Candidate: candidate}
	var err error
	if v.Appointments, err = t.appointments(ctx, `WHERE candidate = ? ORDER BY ord`, candidate); err != nil {
		return ledger.View{}, fmt.Errorf("ledger/sqlite: view of %q: %w", candidate, err)
	}
	if v.Results, err = t.results(ctx, candidate); err != nil {
		return ledger.View{}, fmt.Errorf("ledger/sqlite: view of %q: %w", candidate, err)
	}
	if v.Certifications, err = t.certifications(ctx, candidate); err != nil {
		return ledger.View{}, fmt.Errorf("ledger/sqlite: view of %q: %w", candidate, err)
	}
	if v.Vouchers, err = t.vouchers(ctx, candidate); err != nil {
		return ledger.View{}, fmt.Errorf("ledger/sqlite: view of %q: %w", candidate, err)
	}
	if v.Fees, err = t.fees(ctx, `WHERE candidate = ? ORDER BY ord`, candidate); err != nil {
		return ledger.View{}, fmt.Errorf("ledger/sqlite: view of %q: %w", candidate, err)
	}
	if v.Notices, err = t.notices(ctx, candidateNoticesSQL, candidate); err != nil {
		return ledger.View{}, fmt.Errorf("ledger/sqlite: view of %q: %w", candidate, err)
	}
	return v, nil
}

// Appointment returns one appointment by id, or ledger.ErrNotFound.
func (t *tx) Appointment(ctx context.Context, id string) (ledger.Appointment, error) {
	as, err := t.appointments(ctx, `WHERE id = ?`, id)
	if err != nil {
		return ledger.Appointment{}, fmt.Errorf("ledger/sqlite: appointment %q: %w", id, err)
	}
	if len(as) == 0 {
		return ledger.Appointment{}, fmt.Errorf("ledger/sqlite: appointment %q: %w", id, ledger.ErrNotFound)
	}
	return as[0], nil
}

// ListAppointments returns a page of the appointments that match every
// non-empty field of f, in id order.
func (t *tx) ListAppointments(ctx context.Context, f ledger.AppointmentFilter, p ledger.Page) ([]ledger.Appointment, error) {
	where := []string{"id > ?"}
	args := []any{p.After}
	for _, c := range []struct{ column, value string }{
		{"candidate", f.Candidate}, {"center", f.Center}, {"state", f.State},
	} {
		if c.value != "" {
			where = append(where, c.column+" = ?")
			args = append(args, c.value)
		}
	}
	args = append(args, limit(p.Limit))
	as, err := t.appointments(ctx, `WHERE `+strings.Join(where, " AND ")+` ORDER BY id LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("ledger/sqlite: list appointments: %w", err)
	}
	return as, nil
}

// ListFees returns a page of a candidate's fee lines in event order. The
// cursor p.After is the decimal Seq of the last fee of the previous page
// (empty for the first page): Fee has no id of its own.
func (t *tx) ListFees(ctx context.Context, candidate string, p ledger.Page) ([]ledger.Fee, error) {
	var after int64
	if p.After != "" {
		var err error
		if after, err = strconv.ParseInt(p.After, 10, 64); err != nil {
			return nil, fmt.Errorf("ledger/sqlite: list fees of %q: cursor %q is not an event number: %w", candidate, p.After, err)
		}
	}
	fs, err := t.fees(ctx, `WHERE candidate = ? AND seq > ? ORDER BY seq, ord LIMIT ?`, candidate, after, limit(p.Limit))
	if err != nil {
		return nil, fmt.Errorf("ledger/sqlite: list fees of %q: %w", candidate, err)
	}
	return fs, nil
}

// TruncateViews empties every read model, for rebuild. Streams, records
// and seat counts stay (ResetSeats clears those).
func (t *tx) TruncateViews(ctx context.Context) error {
	if err := t.writable("TruncateViews"); err != nil {
		return err
	}
	for _, table := range viewTables {
		if _, err := t.exec(ctx, `DELETE FROM `+table); err != nil {
			return fmt.Errorf("ledger/sqlite: truncate %s: %w", table, err)
		}
	}
	return nil
}
