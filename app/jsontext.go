package app

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// CheckJSONText refuses a JSON document (a request body, an import row)
// with a duplicate member name at any depth, invalid UTF-8 (a lone
// surrogate escape such as \ud800 included) or a control character in any
// string, names included, naming the field. encoding/json would keep the
// last duplicate (two readers of one body could disagree about what it
// says), turn bad UTF-8 into U+FFFD and let a NUL through, which
// PostgreSQL then refuses with an error and SQLite stores silently. lines,
// when set, names the fields that are text with lines (a program's YAML
// source), which may hold tab, newline and carriage return. A document
// malformed otherwise passes: its decoder says where it breaks.
func CheckJSONText(doc []byte, lines func(pointer string) bool) *Error {
	dec := jsontext.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := dec.ReadToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return textError(err)
		}
		if tok.Kind() != '"' {
			continue
		}
		s, pointer := tok.String(), string(dec.StackPointer())
		if i := ControlAt(s, lines != nil && lines(pointer)); i >= 0 {
			// The field is spelt with escapes: an error that names it
			// must not carry the control character itself.
			field := strings.Trim(strconv.QuoteToASCII(FieldOf(pointer)), `"`)
			r, _ := utf8.DecodeRuneInString(s[i:])
			where := ""
			if kind, n := dec.StackIndex(dec.StackDepth()); kind == '{' && n%2 == 1 {
				where = " (in the member name " + strconv.QuoteToASCII(s) + ")"
			}
			return invalid(field, "holds the control character %U at byte %d%s; no field takes control characters", r, i, where)
		}
	}
}

// textError names the field of jsontext's refusal of a duplicate name or
// of invalid UTF-8; other syntax errors are left to the decoder.
func textError(err error) *Error {
	var se *jsontext.SyntacticError
	if !errors.As(err, &se) {
		return nil
	}
	field := FieldOf(string(se.JSONPointer))
	switch {
	case errors.Is(err, jsontext.ErrDuplicateName):
		return invalid(field, "the member appears twice; send each member once")
	case se.Err != nil && (strings.Contains(se.Err.Error(), "UTF-8") || strings.Contains(se.Err.Error(), "surrogate")):
		return &Error{Code: CodeInvalid, Field: field, Message: fmt.Sprintf("not valid UTF-8 (at byte %d)", se.ByteOffset)}
	}
	return nil
}
