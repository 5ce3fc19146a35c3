package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/recert/recert/ledger"
)

// viewTables are the read-model tables, each keyed by (candidate, ord)
// but notices, keyed by identity (notices.go).
var viewTables = []string{"appointments", "results", "certifications", "vouchers", "fees", "notices"}

const (
	appointmentColumns = `id, candidate, exam, center, slot, state, booked_at, reschedules,
		voucher, fee_minor, currency, rev`
	resultColumns = `id, candidate, appointment, exam, sat_at, recorded_at, scaled, passed,
		form, raw, domains`
	certificationColumns = `candidate, certification, earned_on, expires_on, basis_exam,
		basis_date, renewed, revoked`
	voucherColumns = "id, candidate, from_exam, issued_on, expires_on, discount, state, appointment"
	feeColumns     = "candidate, seq, appointment, kind, amount_minor, currency, at"
)

// ReplaceView deletes the candidate's read-model rows and inserts v's, in
// one batch: one round trip however many rows. Each row keeps its
// position in v as ord, so View returns the lists as they were given.
func (t *tx) ReplaceView(ctx context.Context, v ledger.View) error {
	return t.replaceView(ctx, v, kept{})
}

var _ ledger.ViewDelta = (*tx)(nil)

// ReplaceViewFrom is ReplaceView for a view whose stored rows are old: a
// table whose rows are unchanged is left alone, and one whose old rows
// start its new rows only gets the new ones (a booking: an appointment and
// a fee line).
func (t *tx) ReplaceViewFrom(ctx context.Context, old, v ledger.View) error {
	if v.Candidate == "" || old.Candidate != v.Candidate {
		return fmt.Errorf("postgres: replace view: the old view is of %q, the new of %q", old.Candidate, v.Candidate)
	}
	return t.replaceView(ctx, v, ledger.Kept(old, v))
}

// kept counts, per table of viewTables, the leading rows of the view that
// are stored already (ledger.Kept); 0 or -1 rewrites the table (a
// ReplaceView keeps nothing).
type kept = [6]int

func (t *tx) replaceView(ctx context.Context, v ledger.View, k kept) error {
	c := v.Candidate
	if c == "" {
		return errors.New("postgres: replace view: no candidate")
	}
	if err := checkOwner(v); err != nil {
		return fmt.Errorf("postgres: replace view of %q: %w", c, err)
	}
	b := &pgx.Batch{}
	for i, table := range viewTables {
		if k[i] <= 0 {
			k[i] = 0
			b.Queue("DELETE FROM "+table+" WHERE candidate = $1", c)
		}
	}
	for i, a := range v.Appointments {
		if i < k[0] {
			continue
		}
		// ON CONFLICT rather than an error: an id held by another
		// candidate's view is ErrExists, and the transaction stays usable.
		b.Queue("INSERT INTO appointments (ord, "+appointmentColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
			ON CONFLICT (id) DO NOTHING`,
			i, a.ID, c, a.Exam, a.Center, a.Slot, a.State, a.BookedAt, a.Reschedules,
			a.Voucher, a.FeeMinor, a.Currency, a.Rev).Exec(func(tag pgconn.CommandTag) error {
			if tag.RowsAffected() == 0 {
				return fmt.Errorf("appointment %q: %w", a.ID, ledger.ErrExists)
			}
			return nil
		})
	}
	for i, r := range v.Results {
		if i < k[1] {
			continue
		}
		b.Queue("INSERT INTO results (ord, "+resultColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			i, r.ID, c, r.Appointment, r.Exam, r.SatAt, r.RecordedAt, r.Scaled, r.Passed,
			r.Form, r.Raw, []byte(r.Domains))
	}
	for i, x := range v.Certifications {
		if i < k[2] {
			continue
		}
		b.Queue("INSERT INTO certifications (ord, "+certificationColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			i, c, x.Certification, x.EarnedOn, x.ExpiresOn, x.BasisExam, x.BasisDate,
			x.Renewed, x.Revoked)
	}
	for i, x := range v.Vouchers {
		if i < k[3] {
			continue
		}
		b.Queue("INSERT INTO vouchers (ord, "+voucherColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			i, x.ID, c, x.FromExam, x.IssuedOn, x.ExpiresOn, x.Discount, x.State, x.Appointment)
	}
	for i, f := range v.Fees {
		if i < k[4] {
			continue
		}
		b.Queue("INSERT INTO fees (ord, "+feeColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			i, c, f.Seq, f.Appointment, f.Kind, f.AmountMinor, f.Currency, f.At)
	}
	queueNotices(b, c, v.Notices[k[5]:])
	if err := t.tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("postgres: replace view of %q: %w", c, err)
	}
	return nil
}

// checkOwner refuses rows that name another candidate than the view's; a
// row's Candidate may be left empty (it is the view's).
func checkOwner(v ledger.View) error {
	own := func(kind, candidate string) error {
		if candidate != "" && candidate != v.Candidate {
			return fmt.Errorf("%s of candidate %q in the view of %q", kind, candidate, v.Candidate)
		}
		return nil
	}
	var errs []error
	for _, a := range v.Appointments {
		errs = append(errs, own("appointment "+a.ID, a.Candidate))
	}
	for _, r := range v.Results {
		errs = append(errs, own("result "+r.ID, r.Candidate))
	}
	for _, c := range v.Certifications {
		errs = append(errs, own("certification "+c.Certification, c.Candidate))
	}
	for _, w := range v.Vouchers {
		errs = append(errs, own("voucher "+w.ID, w.Candidate))
	}
	for _, f := range v.Fees {
		errs = append(errs, own(fmt.Sprintf("fee of event %d", f.Seq), f.Candidate))
	}
	for _, n := range v.Notices {
		errs = append(errs, own("notice "+n.Kind+" "+n.Subject, n.Candidate))
	}
	return errors.Join(errs...)
}

func scanAppointment(r pgx.CollectableRow) (ledger.Appointment, error) {
	var a ledger.Appointment
	err := r.Scan(&a.ID, &a.Candidate, &a.Exam, &a.Center, &a.Slot, &a.State, &a.BookedAt,
		&a.Reschedules, &a.Voucher, &a.FeeMinor, &a.Currency, &a.Rev)
	return a, err
}

func scanFee(r pgx.CollectableRow) (ledger.Fee, error) {
	var f ledger.Fee
	err := r.Scan(&f.Candidate, &f.Seq, &f.Appointment, &f.Kind, &f.AmountMinor, &f.Currency, &f.At)
	return f, err
}

// View returns the candidate's read models; lists with no rows are nil.
func (t *tx) View(ctx context.Context, candidate string) (ledger.View, error) {
	v := ledger.View{Candidate: candidate}
	b := &pgx.Batch{}
	order := " WHERE candidate = $1 ORDER BY ord"
	b.Queue("SELECT "+appointmentColumns+" FROM appointments"+order, candidate).Query(func(rows pgx.Rows) error {
		var err error
		v.Appointments, err = pgx.AppendRows(v.Appointments, rows, scanAppointment)
		return err
	})
	b.Queue("SELECT "+resultColumns+" FROM results"+order, candidate).Query(func(rows pgx.Rows) error {
		var err error
		v.Results, err = pgx.AppendRows(v.Results, rows, func(r pgx.CollectableRow) (ledger.Result, error) {
			var x ledger.Result
			var domains []byte
			err := r.Scan(&x.ID, &x.Candidate, &x.Appointment, &x.Exam, &x.SatAt, &x.RecordedAt,
				&x.Scaled, &x.Passed, &x.Form, &x.Raw, &domains)
			x.Domains = json.RawMessage(domains)
			return x, err
		})
		return err
	})
	b.Queue("SELECT "+certificationColumns+" FROM certifications"+order, candidate).Query(func(rows pgx.Rows) error {
		var err error
		v.Certifications, err = pgx.AppendRows(v.Certifications, rows, func(r pgx.CollectableRow) (ledger.Certification, error) {
			var x ledger.Certification
			err := r.Scan(&x.Candidate, &x.Certification, &x.EarnedOn, &x.ExpiresOn, &x.BasisExam,
				&x.BasisDate, &x.Renewed, &x.Revoked)
			return x, err
		})
		return err
	})
	b.Queue("SELECT "+voucherColumns+" FROM vouchers"+order, candidate).Query(func(rows pgx.Rows) error {
		var err error
		v.Vouchers, err = pgx.AppendRows(v.Vouchers, rows, func(r pgx.CollectableRow) (ledger.Voucher, error) {
			var x ledger.Voucher
			err := r.Scan(&x.ID, &x.Candidate, &x.FromExam, &x.IssuedOn, &x.ExpiresOn, &x.Discount,
				&x.State, &x.Appointment)
			return x, err
		})
		return err
	})
	b.Queue("SELECT "+feeColumns+" FROM fees"+order, candidate).Query(func(rows pgx.Rows) error {
		var err error
		v.Fees, err = pgx.AppendRows(v.Fees, rows, scanFee)
		return err
	})
	b.Queue(candidateNoticesSQL, candidate).Query(func(rows pgx.Rows) error {
		var err error
		v.Notices, err = pgx.AppendRows(v.Notices, rows, scanNotice)
		return err
	})
	if err := t.tx.SendBatch(ctx, b).Close(); err != nil {
		return ledger.View{}, fmt.Errorf("postgres: view %s: %w", candidate, err)
	}
	return v, nil
}

// Appointment returns appointment id, or ErrNotFound.
func (t *tx) Appointment(ctx context.Context, id string) (ledger.Appointment, error) {
	rows, err := t.tx.Query(ctx, "SELECT "+appointmentColumns+" FROM appointments WHERE id = $1", id)
	return one(rows, err, scanAppointment, "appointment "+id)
}

// ListAppointments pages through appointments in id order; empty filter
// fields match everything.
func (t *tx) ListAppointments(ctx context.Context, f ledger.AppointmentFilter, p ledger.Page) ([]ledger.Appointment, error) {
	rows, err := t.tx.Query(ctx, "SELECT "+appointmentColumns+` FROM appointments
		WHERE id > $1 AND ($2 = '' OR candidate = $2) AND ($3 = '' OR center = $3)
		AND ($4 = '' OR state = $4) ORDER BY id LIMIT $5`,
		p.After, f.Candidate, f.Center, f.State, limit(p.Limit))
	return all(rows, err, scanAppointment, "list appointments")
}

// ListFees pages through a candidate's fee lines in event order. A fee has
// no id of its own, so the cursor p.After is the decimal Seq of the last
// fee of the previous page (empty for the first page), as in ledger/sqlite.
func (t *tx) ListFees(ctx context.Context, candidate string, p ledger.Page) ([]ledger.Fee, error) {
	var after int64
	if p.After != "" {
		n, err := strconv.ParseInt(p.After, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("postgres: list fees of %q: cursor %q is not an event number: %w", candidate, p.After, err)
		}
		after = n
	}
	rows, err := t.tx.Query(ctx, "SELECT "+feeColumns+` FROM fees
		WHERE candidate = $1 AND seq > $2 ORDER BY seq, ord LIMIT $3`, candidate, after, limit(p.Limit))
	return all(rows, err, scanFee, fmt.Sprintf("list fees of %q", candidate))
}

// TruncateViews empties every read model for rebuild. DELETE rather than
// TRUNCATE: TRUNCATE's exclusive lock would stop every reader on every
// server until the rebuild commits.
func (t *tx) TruncateViews(ctx context.Context) error {
	b := &pgx.Batch{}
	for _, table := range viewTables {
		b.Queue("DELETE FROM " + table)
	}
	if err := t.tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("postgres: truncate views: %w", err)
	}
	return nil
}
