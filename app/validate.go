package app

import (
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/recert/recert/ledger"
)

// What the ledger accepts as text. A store must never be handed a string
// it cannot keep (PostgreSQL refuses NUL and invalid UTF-8 with an error,
// SQLite keeps them silently), and what it keeps must print: so every
// string from outside is checked here, once, for the API and import alike.

// idPattern is the charset and length of every id a caller may choose or
// name: a candidate, center, appointment, token, program or voucher id.
// Generated ids (ap_…, c_…, tok_…) fit it too.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// Text limits, in characters.
const (
	maxName   = 200  // a person's or a center's name
	maxNote   = 2000 // a revocation reason, a medical note
	maxEmail  = 254  // RFC 5321's path limit
	maxSearch = 200  // anything else short
)

// checkID refuses an id outside the charset: 1-64 letters, digits, '_',
// '.' or '-', starting with a letter or digit.
func checkID(field, id string) error {
	if !idPattern.MatchString(id) {
		return invalid(field, "%s %s must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit", field, quoteShort(id))
	}
	return nil
}

// checkText refuses text that is not valid UTF-8, holds a control
// character (NUL, escape, a line break) or is longer than max characters.
func checkText(field, s string, max int) error {
	if !utf8.ValidString(s) {
		return invalid(field, "%s is not valid UTF-8", field)
	}
	if i := ControlAt(s, false); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		return invalid(field, "%s holds a control character (%U) at byte %d", field, r, i)
	}
	if utf8.RuneCountInString(s) > max {
		return invalid(field, "%s is longer than %d characters", field, max)
	}
	return nil
}

// checkEmail refuses what is not a plain address (local@domain, no display
// name, no comments), since reminders will be sent to it.
func checkEmail(field, s string) error {
	if err := checkText(field, s, maxEmail); err != nil {
		return err
	}
	a, err := mail.ParseAddress(s)
	local, domain, _ := strings.Cut(s, "@")
	if err != nil || a.Name != "" || a.Address != s || local == "" || !strings.Contains(domain, ".") ||
		strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.ContainsAny(s, " <>") {
		return invalid(field, "%s %s is not an e-mail address such as ada@example.com", field, quoteShort(s))
	}
	return nil
}

// quoteShort quotes a caller's value for a message, cut to a readable
// length, with control characters and bad bytes escaped.
func quoteShort(s string) string {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return strconv.Quote(s)
}

// known answers not_found for an id that cannot exist (outside the
// charset), before it reaches the store, which may refuse such a string
// with an error of its own (PostgreSQL and NUL).
func known(what, id string) error {
	if !idPattern.MatchString(id) {
		return &Error{Code: CodeNotFound, Message: what + " " + quoteShort(id) + " not found"}
	}
	return nil
}

// checkCursor refuses a page cursor that no page ever handed out.
func checkCursor(p ledger.Page) error {
	if p.After != "" && !idPattern.MatchString(p.After) {
		return invalid("after", "the cursor %s was not given by a page of this list", quoteShort(p.After))
	}
	return nil
}

// ControlAt is the byte index of the first control character of s (C0,
// DEL and C1), or -1. With lines set, tab, newline and carriage return
// are text (a program definition's source). The HTTP API and import both
// refuse what it finds, so it is the one definition of a control
// character for recert.
func ControlAt(s string, lines bool) int {
	for i, r := range s {
		if r < 0x20 && lines && (r == '\t' || r == '\n' || r == '\r') {
			continue
		}
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			return i
		}
	}
	return -1
}

// FieldOf spells a JSON Pointer as the API's field names do: /domains/0/
// domain is domains[0].domain.
func FieldOf(pointer string) string {
	if pointer == "" {
		return ""
	}
	var b strings.Builder
	for _, tok := range strings.Split(pointer[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		if _, err := strconv.Atoi(tok); err == nil && b.Len() > 0 {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}
