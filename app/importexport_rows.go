package app

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// NewRowReader reads rows in format "jsonl" or "csv"; "" looks at the
// first byte that is not white space: '{' is JSONL, anything else CSV.
func NewRowReader(r io.Reader, format string) (RowReader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if format == "" {
		format = "csv"
		b, _ := br.Peek(4096) // fewer at the end of a short input
		if i := bytes.IndexFunc(b, func(r rune) bool { return !strings.ContainsRune(" \t\r\n", r) }); i >= 0 && b[i] == '{' {
			format = "jsonl"
		}
	}
	switch format {
	case "jsonl", "ndjson":
		return &jsonlReader{r: br}, nil
	case "csv":
		return newCSVReader(br), nil
	}
	return nil, fmt.Errorf("unknown import format %q: want jsonl or csv", format)
}

// jsonlReader reads one object a line. Unknown fields are refused: a
// misspelt "scaled_scor" must not import a result without its score.
type jsonlReader struct {
	r    *bufio.Reader
	line int64
	buf  []byte
}

func (j *jsonlReader) Next() (Row, error) {
	for {
		b, err := j.readLine()
		if err != nil {
			return Row{}, err
		}
		j.line++
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		r := Row{Line: j.line}
		if err := CheckJSONText(b, sourceLines); err != nil {
			return Row{}, &RowError{Row: j.line, Field: err.Field, Message: err.Message}
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			return Row{}, &RowError{Row: j.line, Field: jsonField(err), Message: jsonMessage(err)}
		}
		if dec.More() {
			return Row{}, &RowError{Row: j.line, Message: "more than one JSON value on the line"}
		}
		return r, nil
	}
}

// sourceLines: a program row's YAML source is text with lines.
func sourceLines(pointer string) bool { return pointer == "/source" }

// checkCellText refuses a CSV cell that is not UTF-8 text on one line.
func checkCellText(line int64, col, v string) *RowError {
	if !utf8.ValidString(v) {
		return &RowError{Row: line, Field: col, Message: "not valid UTF-8"}
	}
	if i := ControlAt(v, false); i >= 0 {
		r, _ := utf8.DecodeRuneInString(v[i:])
		return &RowError{Row: line, Field: col, Message: fmt.Sprintf("holds the control character %U; no column takes control characters", r)}
	}
	return nil
}

// readLine returns the next line without its end, however long: a
// program's source can be large.
func (j *jsonlReader) readLine() ([]byte, error) {
	j.buf = j.buf[:0]
	for {
		b, err := j.r.ReadSlice('\n')
		j.buf = append(j.buf, b...)
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF && len(j.buf) > 0:
			return j.buf, nil
		case err != nil:
			return nil, err
		}
		return bytes.TrimRight(j.buf, "\r\n"), nil
	}
}

func jsonField(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Field
	}
	if s := err.Error(); strings.HasPrefix(s, "json: unknown field ") {
		f, _ := strconv.Unquote(strings.TrimPrefix(s, "json: unknown field "))
		return f
	}
	return ""
}

func jsonMessage(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "a JSON " + te.Value + " where " + te.Type.String() + " belongs"
	}
	if strings.HasPrefix(err.Error(), "json: unknown field ") {
		return "unknown field"
	}
	return "not a JSON object: " + strings.TrimPrefix(err.Error(), "json: ")
}

// csvColumns are the columns a CSV import may have.
var csvColumns = []string{"kind", "candidate", "name", "email", "time_zone", "program", "exam", "on",
	"scaled_score", "raw_score", "form", "certification", "earned_on"}

type csvReader struct {
	r      *csv.Reader
	header []string
	err    error
}

func newCSVReader(r io.Reader) *csvReader {
	c := &csvReader{r: csv.NewReader(r)}
	c.r.FieldsPerRecord = -1 // checked per row, so one short row is refused alone
	c.r.ReuseRecord = true
	return c
}

func (c *csvReader) Next() (Row, error) {
	if c.header == nil && c.err == nil {
		c.err = c.readHeader()
	}
	if c.err != nil {
		return Row{}, c.err
	}
	rec, err := c.r.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return Row{}, &RowError{Row: int64(pe.StartLine), Message: "CSV: " + pe.Err.Error()}
		}
		return Row{}, err
	}
	line, _ := c.r.FieldPos(0)
	r := Row{Line: int64(line)}
	if len(rec) != len(c.header) {
		return Row{}, &RowError{Row: r.Line, Message: fmt.Sprintf("%d cells for %d columns", len(rec), len(c.header))}
	}
	for i, v := range rec {
		if err := checkCellText(r.Line, c.header[i], v); err != nil {
			return Row{}, err
		}
		if err := c.set(&r, c.header[i], v); err != nil {
			return Row{}, err
		}
	}
	if r.Kind == "candidate" {
		r.ID, r.Candidate = r.Candidate, "" // a candidate row's candidate column is its id
	}
	return r, nil
}

func (c *csvReader) readHeader() error {
	rec, err := c.r.Read()
	if err == io.EOF {
		return io.EOF
	}
	if err != nil {
		return fmt.Errorf("CSV header: %w", err)
	}
	seen := map[string]bool{}
	for _, h := range rec {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		known := false
		for _, k := range csvColumns {
			known = known || k == h
		}
		if !known {
			return fmt.Errorf("CSV header: unknown column %q; the columns are %s", h, strings.Join(csvColumns, ","))
		}
		if seen[h] {
			return fmt.Errorf("CSV header: column %q twice", h)
		}
		seen[h] = true
		c.header = append(c.header, h)
	}
	if !seen["kind"] {
		return errors.New("CSV header: no kind column")
	}
	return nil
}

func (c *csvReader) set(r *Row, col, v string) error {
	switch col {
	case "kind":
		r.Kind = v
	case "candidate":
		r.Candidate = v
	case "name":
		r.Name = v
	case "email":
		r.Email = v
	case "time_zone":
		r.TimeZone = v
	case "program":
		r.Program = v
	case "exam":
		r.Exam = v
	case "on":
		r.On = v
	case "form":
		r.Form = v
	case "certification":
		r.Certification = v
	case "earned_on":
		r.EarnedOn = v
	case "scaled_score", "raw_score":
		if v == "" {
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return &RowError{Row: r.Line, Field: col, Message: strconv.Quote(v) + " is not a whole number"}
		}
		if col == "scaled_score" {
			r.Scaled = &n
		} else {
			r.Raw = &n
		}
	}
	return nil
}
