package scenario_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/recert/recert/definition"
	"github.com/recert/recert/scenario"
)

// BUG (fixed in 8378aba; kept as regression tests): when a line did not
// parse, idOf dug the id out with encoding/json v1, which matches object
// keys case-insensitively, while the line itself is read (json v2)
// case-sensitively. So a line with no "id" but an "ID" got that value as
// its id when it was invalid (and null when valid), and {"id":1,"Id":2,...}
// was answered with id 2. decide.md: every answer carries the input's id.
// Regression seed: testdata/fuzz/FuzzDecideLine/id-key-case.
func TestAnswerIDKeyCaseBug(t *testing.T) {
	for _, c := range []struct{ line, id string }{
		{`{"ID":7,"at":5}`, `null`},
		{`{"Id":"x","at":"not a time","ask":{"action":"status","certification":"ai-practitioner"}}`, `null`},
		{`{"id":1,"Id":2,"at":5}`, `1`},
		// The same key on a valid line is already ignored:
		{`{"ID":7,"at":"2026-01-01T00:00:00Z","ask":{"action":"status","certification":"ai-practitioner"}}`, `null`},
	} {
		out, _, _ := scenario.NewDecider(definition.AWS(), false).Decide(nil, []byte(c.line), 1)
		var ans struct{ ID json.RawMessage }
		if err := json.Unmarshal(out, &ans); err != nil || string(ans.ID) != c.id {
			t.Errorf("%s\nanswered %s; want id %s", c.line, out, c.id)
		}
	}
}

// BUG (fixed in 8378aba; kept as a regression test): a line whose id holds
// invalid UTF-8 is refused (json v2 checks UTF-8), but the error answer
// echoed the id's raw bytes, so the answer was neither valid UTF-8 nor
// valid JSON (RFC 8259 section 8.1; json v2 itself rejects it). Found by
// FuzzDecideLine (testdata/fuzz/FuzzDecideLine/3d5f296d91b0bd1d).
func TestAnswerInvalidUTF8IDBug(t *testing.T) {
	line := []byte("{\"id\":\"\x85\",\"at\":\"2026-01-01T00:00:00Z\",\"ask\":{\"action\":\"status\",\"certification\":\"ai-practitioner\"}}")
	out, _, _ := scenario.NewDecider(definition.AWS(), false).Decide(nil, line, 1)
	if !utf8.Valid(out) || !json.Valid(out) || !bytes.Contains(out, []byte(`"invalid_scenario"`)) {
		t.Errorf("answer %q is not a valid UTF-8 JSON error answer", out)
	}
}
