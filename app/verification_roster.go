package app

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// MaxRosterRows bounds a roster: one request verifies at most this many
// credentials (each a signature check and a ledger read), so one upload
// cannot occupy the server for long.
const MaxRosterRows = 1000

// ErrRosterTooLarge marks a roster of more than MaxRosterRows rows; the
// HTTP layers answer it 413, naming the bound.
var ErrRosterTooLarge = fmt.Errorf("a roster holds at most %d rows", MaxRosterRows)

// RosterRow is one roster line's answer. Given* are what the roster said
// (echoed back so the answer reads on its own); the holder's e-mail is
// only compared, never shown.
type RosterRow struct {
	Row        int // the line's row number, the header being row 1
	GivenName  string
	GivenEmail string
	Credential string // the id verified, or the reference as given when it could not be read
	Matches    string // yes, no, or "" when the roster gave neither name nor e-mail or the credential is unknown
	Error      string // "row N: …" when the row could not be verified
	Verification
}

// RosterColumns is the header of the answer's CSV.
var RosterColumns = []string{"row", "name", "email", "credential", "state", "certification", "holder", "valid_until", "reason", "matches", "failed_check", "error"}

// VerifyRoster verifies each row of a CSV roster: a header row naming the
// columns name or email (or both) and credential (an id or URL of this
// server's credentials, or a whole VC-JWT). A row that cannot be verified
// is an answer row with its error; only a CSV that cannot be read at all
// is an error (CodeInvalid naming the line), and a roster of more than
// MaxRosterRows rows is ErrRosterTooLarge. Public, read-only.
func (a *App) VerifyRoster(ctx context.Context, in io.Reader) ([]RosterRow, error) {
	if a.verifier == nil {
		return nil, errNoIssuer()
	}
	cr := csv.NewReader(in)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &Error{Code: CodeInvalid, Field: "roster", Message: "the roster is empty: want a header row with name or email, and credential"}
	}
	if err != nil {
		return nil, csvError(err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	_, hasName := col["name"]
	_, hasEmail := col["email"]
	if _, ok := col["credential"]; !ok || (!hasName && !hasEmail) {
		return nil, &Error{Code: CodeInvalid, Field: "roster", Message: "line 1: the header must name the columns credential and name or email, got " + quoteShort(strings.Join(head, ","))}
	}
	cell := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var recs [][]string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		if len(recs) == MaxRosterRows {
			return nil, &Error{Code: CodeInvalid, Field: "roster", Message: ErrRosterTooLarge.Error(), Err: ErrRosterTooLarge}
		}
		recs = append(recs, rec)
	}
	out := make([]RosterRow, 0, len(recs))
	for i, rec := range recs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		row := RosterRow{Row: i + 2, GivenName: cell(rec, "name"), GivenEmail: cell(rec, "email"), Credential: cell(rec, "credential")}
		a.rosterRow(ctx, &row)
		out = append(out, row)
	}
	return out, nil
}

// rosterRow verifies one row and compares its name or e-mail with the
// holder's.
func (a *App) rosterRow(ctx context.Context, row *RosterRow) {
	ref := row.Credential
	var v Verification
	var err error
	switch {
	case ref == "":
		err = &Error{Code: CodeInvalid, Message: "no credential given"}
	case !strings.Contains(ref, "://") && strings.Count(ref, ".") == 2:
		v, err = a.VerifyCredential(ctx, []byte(ref))
	default:
		v, err = a.VerifyStored(ctx, ref)
	}
	if err != nil {
		msg := err.Error()
		var e *Error
		if errors.As(err, &e) && e.Message != "" {
			msg = e.Message
		}
		row.Error = "row " + strconv.Itoa(row.Row) + ": " + msg
		return
	}
	row.Verification = v
	if v.ID != "" {
		row.Credential = v.ID
	}
	if !v.Known || (row.GivenName == "" && row.GivenEmail == "") {
		return
	}
	ok := true
	if row.GivenName != "" {
		ok = ok && sameName(row.GivenName, v.Holder)
	}
	if row.GivenEmail != "" {
		ok = ok && strings.EqualFold(row.GivenEmail, v.email)
	}
	row.Matches = map[bool]string{true: "yes", false: "no"}[ok]
}

// sameName compares names as people write them: case and runs of spaces
// aside.
func sameName(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &Error{Code: CodeInvalid, Field: "roster", Message: fmt.Sprintf("line %d: the roster is not valid CSV: %v", pe.Line, pe.Err), Err: err}
	}
	return &Error{Code: CodeInvalid, Field: "roster", Message: "the roster cannot be read: " + err.Error(), Err: err}
}

// WriteRosterCSV writes the answer to a roster: RosterColumns, then a row
// per roster row, through WriteCSV.
func WriteRosterCSV(w io.Writer, rows []RosterRow) error {
	out := make([][]string, 0, len(rows))
	for _, r := range rows {
		until := ""
		if r.ValidUntil != nil {
			until = r.ValidUntil.UTC().Format(time.RFC3339)
		}
		cert := r.Certification
		if cert == "" {
			cert = r.CertificationName
		}
		out = append(out, []string{strconv.Itoa(r.Row), r.GivenName, r.GivenEmail, r.Credential, r.State, cert, r.Holder, until, r.Reason, r.Matches, r.FailedCheck, r.Error})
	}
	return WriteCSV(w, RosterColumns, out)
}

// WriteCSV writes a header and rows as CSV, every cell that a spreadsheet
// would run as a formula (=, +, -, @, tab or CR first) quoted with a
// leading apostrophe (CSV injection): a candidate's name must not run in
// a staff member's or an employer's spreadsheet. Every CSV recert hands
// out goes through it.
func WriteCSV(w io.Writer, header []string, rows [][]string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, row := range rows {
		rec := make([]string, len(row))
		for i, c := range row {
			rec[i] = safeCell(c)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// safeCell keeps a cell from being read as a formula.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
