package app

// Import and export. The formats are described in docs/import.md; in short:
//
// JSONL: one JSON object a line, told apart by "kind":
//
//	{"kind":"candidate","id":"c1","name":"Ada","email":"ada@example.com","time_zone":"Europe/Paris","program":"aws"}
//	{"kind":"result","candidate":"c1","exam":"CLF-C02","on":"2025-03-01T10:00:00Z","scaled_score":812}
//	{"kind":"result","candidate":"c1","exam":"CLF-C02","on":"2025-03-01T10:00:00Z","raw_score":41,"form":"A"}
//	{"kind":"certification","candidate":"c1","certification":"aws-cp","earned_on":"2023-06-30"}
//
// and the kinds `recert export` writes, so that an export reads back into
// the same state: "program" (id, version, active, uploaded_at, source),
// "center" (id, name, time_zone, online, seats, created_at), "candidate"
// (with created_at) and "event" (candidate, seq, type, data, recorded_at,
// program, decision), appended verbatim.
//
// CSV: a header row naming the columns, in any order, from kind, candidate,
// name, email, time_zone, program, exam, on, scaled_score, raw_score, form,
// certification, earned_on; an empty cell is an absent field. Only the
// kinds candidate (whose id is in the candidate column), result and
// certification can be written in CSV.
//
// A row is numbered by the line it starts on, from 1 (a CSV header is line
// 1). Refused rows are reported with that number and skipped; the import
// position stored with each batch is the number of the batch's last row.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// Row is one input row, whatever its kind; which fields matter depends on
// Kind. One flat type serves every kind and both formats so that a row is
// decoded once, straight into what the import reads.
type Row struct {
	Line int64 `json:"-"` // the line the row starts on, from 1

	Kind      string `json:"kind"`
	ID        string `json:"id"`        // candidate, center, program
	Candidate string `json:"candidate"` // result, certification, event
	Name      string `json:"name"`
	Email     string `json:"email"`
	TimeZone  string `json:"time_zone"`
	// Program is the program a candidate is enrolled in or, on an event,
	// the id@version that decided it.
	Program string `json:"program"`

	Exam    string                `json:"exam"`
	On      string                `json:"on"` // RFC 3339
	Scaled  *int                  `json:"scaled_score"`
	Raw     *int                  `json:"raw_score"`
	Form    string                `json:"form"`
	Domains []policy.DomainResult `json:"domains"`

	Certification string `json:"certification"`
	EarnedOn      string `json:"earned_on"` // YYYY-MM-DD

	Version    string `json:"version"`
	Active     bool   `json:"active"`
	Source     string `json:"source"`
	UploadedAt string `json:"uploaded_at"`
	CreatedAt  string `json:"created_at"`
	Online     bool   `json:"online"`
	Seats      int    `json:"seats"`

	Seq        int64           `json:"seq"`
	Type       string          `json:"type"`
	Data       json.RawMessage `json:"data"`
	RecordedAt string          `json:"recorded_at"`
	Decision   json.RawMessage `json:"decision"`
}

// RowReader yields rows in file order. Next returns io.EOF after the last
// row. A row that cannot be read (bad JSON, a wrong number of CSV cells)
// comes back as a *RowError: the import reports it and reads on; any other
// error stops the import.
type RowReader interface {
	Next() (Row, error)
}

// RowError is a refused row: which row, which field, and why.
type RowError struct {
	Row     int64
	Field   string
	Message string
}

func (e *RowError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("row %d: %s", e.Row, e.Message)
	}
	return fmt.Sprintf("row %d: %s: %s", e.Row, e.Field, e.Message)
}

// DefaultBatch is how many rows one transaction holds unless told
// otherwise: large enough that the per-transaction costs (the commit's
// fsync, loading each touched stream once) vanish, small enough that a
// crash loses little work and one transaction does not hold the writer
// for long.
const DefaultBatch = 5000

// ImportOptions tunes an import.
type ImportOptions struct {
	Batch   int  // rows per transaction; DefaultBatch when 0
	Restart bool // ignore the stored position and read from the first row
	// Total is the number of lines of the source when the caller knows it;
	// it is only passed on to Progress.
	Total int64
	// Progress is called after each committed batch with the number of
	// the last line done and Total.
	Progress func(done, total int64)
}

// ImportReport says what an import did.
type ImportReport struct {
	Name     string
	From     int64 // the stored position it resumed after (0: the start)
	Position int64 // the stored position at the end
	Read     int64 // rows read after From
	Imported int64 // rows stored, or found already stored unchanged
	Batches  int
	Errors   []RowError // refused rows, in row order
}

// Import reads rows from src and stores them in batches, each in one
// transaction with the import position under name, so that a batch is
// stored whole or not at all and a crashed import resumes after the last
// stored batch. Refused rows are reported and skipped, never abort the
// import; a store failure stops it with the batch rolled back. Admin only.
func (a *App) Import(ctx context.Context, pr Principal, name string, src RowReader, opts ImportOptions) (ImportReport, error) {
	rep := ImportReport{Name: name}
	if err := pr.mustBeAdmin("import"); err != nil {
		return rep, err
	}
	// An import may revoke credentials (an imported certification_revoked):
	// verifications read them anew after it.
	defer a.verifyCache.changed()
	if name == "" {
		return rep, invalid("name", "an import needs a name to keep its position under")
	}
	if opts.Batch <= 0 {
		opts.Batch = DefaultBatch
	}
	if !opts.Restart {
		err := a.store.View(ctx, func(tx ledger.Tx) error {
			var err error
			rep.From, err = tx.ImportPosition(ctx, name)
			return storeErr(err, "import position "+name)
		})
		if err != nil {
			return rep, err
		}
	}
	rep.Position = rep.From

	// The next batch is read and decoded while the current one is stored:
	// on two cores decoding costs almost nothing then.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan readBatch, 1)
	go readBatches(ctx, src, rep.From, opts.Batch, batches)
	for b := range batches {
		if b.err != nil {
			return rep, b.err
		}
		rep.Read += int64(len(b.rows) + len(b.errs))
		imported, errs, err := a.importBatch(ctx, pr, name, b)
		if err != nil {
			return rep, err
		}
		rep.Imported += imported
		rep.Errors = append(rep.Errors, errs...)
		rep.Position = b.last
		rep.Batches++
		if opts.Progress != nil {
			opts.Progress(b.last, opts.Total)
		}
	}
	return rep, ctx.Err()
}

// readBatch is up to Batch rows read ahead, with the rows the reader
// refused, and the line number of the last of them.
type readBatch struct {
	rows []Row
	errs []RowError
	last int64
	err  error
}

func readBatches(ctx context.Context, src RowReader, from int64, size int, out chan<- readBatch) {
	defer close(out)
	send := func(b readBatch) bool {
		select {
		case out <- b:
			return true
		case <-ctx.Done():
			return false
		}
	}
	var b readBatch
	for {
		r, err := src.Next()
		if err == io.EOF {
			break
		}
		var re *RowError
		switch {
		case asRowError(err, &re):
			if re.Row <= from {
				continue
			}
			b.errs, b.last = append(b.errs, *re), re.Row
		case err != nil:
			send(readBatch{err: &Error{Code: CodeInvalid, Message: "reading the import: " + err.Error(), Err: err}})
			return
		case r.Line <= from:
			continue // stored by an earlier run
		default:
			b.rows, b.last = append(b.rows, r), r.Line
		}
		if len(b.rows)+len(b.errs) >= size {
			if !send(b) {
				return
			}
			b = readBatch{}
		}
	}
	if len(b.rows)+len(b.errs) > 0 {
		send(b)
	}
}

func asRowError(err error, re **RowError) bool {
	e, ok := err.(*RowError)
	if ok {
		*re = e
	}
	return ok
}
