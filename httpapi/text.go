package httpapi

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"github.com/recert/recert/app"
)

// Text a request may not carry. Every JSON body is checked by
// app.CheckJSONText before it is decoded (duplicate member names, invalid
// UTF-8, control characters), as import checks its rows; no field of the
// API is free text that needs control characters. A program definition
// (YAML) is the only upload that is text with lines, and it may hold tab,
// newline and carriage return (checkDocumentText).

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
