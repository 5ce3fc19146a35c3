package httpapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/recert/recert/app"
)

// Text a request may not carry. encoding/json accepts duplicate member
// names (the last wins, so two readers of one body can disagree about
// what it says), replaces invalid UTF-8 with U+FFFD and lets control
// characters through; PostgreSQL then refuses a NUL with a 500 and
// SQLite stores it silently. So every JSON body is walked once with
// jsontext, which checks names and UTF-8 as RFC 8259 8.1 and 7493 want,
// and every string in it (names too) is checked for control characters,
// before it is decoded. No field of the API is free text that needs
// them; a program definition (YAML) is the only upload that is text with
// lines, and it may hold tab, newline and carriage return.

// checkJSONText refuses a body with a duplicate member name at any depth,
// invalid UTF-8 (a lone surrogate escape such as \ud800 included) or a
// control character in any string, naming the field. A body that is
// malformed otherwise passes, so that decodeJSON reports it as before.
func checkJSONText(body []byte) error {
	dec := jsontext.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.ReadToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return textProblem(err)
		}
		if tok.Kind() != '"' {
			continue
		}
		s := tok.String()
		if i := app.ControlAt(s, false); i >= 0 {
			// The field is spelt with escapes: a problem that names it
			// must not carry the control character itself.
			field := strings.Trim(strconv.QuoteToASCII(app.FieldOf(string(dec.StackPointer()))), `"`)
			r, _ := utf8.DecodeRuneInString(s[i:])
			what := "the value of " + field
			if isName(dec) {
				what = "the member name " + strconv.QuoteToASCII(s)
			}
			return fail(app.CodeInvalid, field, fmt.Sprintf("%s holds the control character %U at byte %d; no field takes control characters", what, r, i))
		}
	}
}

// isName reports whether the string just read was an object member's
// name rather than its value: inside an object, names are the odd reads.
func isName(dec *jsontext.Decoder) bool {
	kind, n := dec.StackIndex(dec.StackDepth())
	return kind == '{' && n%2 == 1
}

// textProblem turns jsontext's refusal into a problem naming the field;
// syntax errors other than duplicates and bad UTF-8 are left to
// decodeJSON, whose messages say where the JSON breaks.
func textProblem(err error) error {
	var se *jsontext.SyntacticError
	if !errors.As(err, &se) {
		return nil
	}
	field := app.FieldOf(string(se.JSONPointer))
	switch {
	case errors.Is(err, jsontext.ErrDuplicateName):
		return fail(app.CodeInvalid, field, fmt.Sprintf("the member %s appears twice; send each member once", field))
	case se.Err != nil && (strings.Contains(se.Err.Error(), "UTF-8") || strings.Contains(se.Err.Error(), "surrogate")):
		where := "the body"
		if field != "" {
			where = field
		}
		return fail(app.CodeInvalid, field, fmt.Sprintf("%s is not valid UTF-8 (at byte %d)", where, se.ByteOffset))
	}
	return nil
}

// checkDocumentText refuses an upload that is not UTF-8 text with lines:
// invalid UTF-8 or a control character other than tab, newline and
// carriage return, named by line and column.
func checkDocumentText(field string, body []byte) error {
	if !utf8.Valid(body) {
		i := 0
		for i < len(body) {
			r, n := utf8.DecodeRune(body[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		line, col := lineCol(body, i)
		return fail(app.CodeInvalid, field, fmt.Sprintf("%s: line %d, column %d: not valid UTF-8 (byte %d)", field, line, col, i))
	}
	if i := app.ControlAt(string(body), true); i >= 0 {
		r, _ := utf8.DecodeRune(body[i:])
		line, col := lineCol(body, i)
		return fail(app.CodeInvalid, field, fmt.Sprintf("%s: line %d, column %d: the control character %U is not text", field, line, col, r))
	}
	return nil
}

// lineCol is the 1-based line and column (in bytes) of offset i.
func lineCol(b []byte, i int) (int, int) {
	before := b[:i]
	line := bytes.Count(before, []byte{'\n'}) + 1
	return line, i - (bytes.LastIndexByte(before, '\n') + 1) + 1
}

// checkParam refuses a path or query value that is not UTF-8 text without
// control characters: such an id can name nothing, and PostgreSQL would
// answer it with an error rather than "not found".
func checkParam(name, v string) error {
	if !utf8.ValidString(v) {
		return fail(app.CodeInvalid, name, name+" is not valid UTF-8")
	}
	if i := app.ControlAt(v, false); i >= 0 {
		r, _ := utf8.DecodeRuneInString(v[i:])
		return fail(app.CodeInvalid, name, fmt.Sprintf("%s holds the control character %U", name, r))
	}
	return nil
}
