package scenario_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/recert/recert/definition"
	"github.com/recert/recert/scenario"
)

// conformance is the shared scenario file, read by relative path.
const conformance = "../../shared/conformance/reference-program.jsonl"

// FuzzDecideLine feeds arbitrary bytes to a Decider as one scenario line.
// Whatever the line, the answer is one JSON object (valid UTF-8, on one
// line when the input was) carrying the input's id when the input had one;
// an error answer has code invalid_scenario and a message.
func FuzzDecideLine(f *testing.F) {
	if data, err := os.ReadFile(conformance); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			f.Add(append([]byte(nil), sc.Bytes()...))
		}
	}
	for _, s := range []string{
		``, ` `, `{`, `}`, `null`, `[]`, `[{"id":1}]`, `"text"`, `42`, `{}`, `{"id":1}`, `{"id":"x"} trailing`,
		`{"id":{"nested":[1,2,{"k":null}]},"at":"2026-01-01T00:00:00Z","ask":{"action":"status","certification":"ai-practitioner"}}`,
		`{"id":1e999,"at":"2026-01-01T00:00:00Z","ask":{"action":"score","exam":"AIF-C01","scaled_score":700}}`,
		`{"id":"a","at":"not a time","ask":{"action":"status","certification":"x"}}`,
		`{"id":"b","at":"2026-01-01T00:00:00Z","time_zone":"Local","ask":{"action":"status","certification":"x"}}`,
		`{"id":"c","at":"2026-01-01T00:00:00Z","ask":{"action":"fly"}}`,
		`{"id":"d","at":"2026-01-01T00:00:00Z","ask":{"action":"score","exam":"AIF-C01","scaled_score":700.5}}`,
		`{"id":"e","at":"2026-01-01T00:00:00Z","ask":{"action":"score","exam":"AIF-C01","scaled_score":"700"}}`,
		`{"id":"f","at":"2026-01-01T00:00:00Z","history":[{"type":"booked","appointment":"a1","exam":"AIF-C01","slot":"2026-02-01T00:00:00Z","at":"2026-01-01T00:00:00Z"},{"type":"booked","appointment":"a1","exam":"AIF-C01","slot":"2026-02-01T00:00:00Z","at":"2026-01-01T00:00:00Z"}],"ask":{"action":"cancel","appointment":"a1"}}`,
		`{"id":"g","at":"2026-01-01T00:00:00Z","history":[{"type":"teleported"}],"ask":{"action":"cancel","appointment":"a1"}}`,
		`{"id":"h","at":"2026-01-01T00:00:00Z","history":{},"ask":{"action":"cancel","appointment":"a1"}}`,
		`{"id":"i","at":"2026-01-01T00:00:00Z","ask":{"action":"book","exam":"AIF-C01","slot":"9999-12-31T23:59:59Z"}}`,
		`{"id":"j","at":"0000-01-01T00:00:00Z","time_zone":"Pacific/Kiritimati","ask":{"action":"book","exam":"SOA-C02","slot":"0000-01-01T00:00:01Z"}}`,
		`{"id":"k","at":"2026-01-01T00:00:00+14:00","time_zone":"Pacific/Apia","ask":{"action":"recertify_options","certification":"cloud-practitioner"}}`,
		`{"id":"l","id":"m","at":"2026-01-01T00:00:00Z","ask":{"action":"status","certification":"ai-practitioner"}}`,
		`{"id":"n","at":"2026-04-01T00:00:00Z","history":[{"type":"result","exam":"AIF-C01","on":"2026-03-01T15:00:00Z","scaled_score":760}],"ask":{"action":"book","exam":"SAA-C03","slot":"2026-05-10T14:00:00Z","use_voucher":true,"delivery":"online"}}`,
		`{"id":"o","at":"2026-05-11T00:00:00Z","history":[{"type":"booked","appointment":"a1","exam":"AIF-C01","slot":"2026-05-10T14:00:00Z","at":"2026-04-01T00:00:00Z","fee":{"amount_minor":5000,"currency":"USD"},"delivery":"test_center"},{"type":"no_show","appointment":"a1"},{"type":"refunded","appointment":"a1","at":"2026-05-10T20:00:00Z"}],"ask":{"action":"medical_exception","appointment":"a1"}}`,
		`{"id":"p","at":"2026-05-11T00:00:00Z","history":[{"type":"booked","appointment":"a1","exam":"AIF-C01","slot":"2026-05-10T14:00:00Z","at":"2026-04-01T00:00:00Z","fee":{"amount_minor":-1,"currency":"usd"}}],"ask":{"action":"cancel","appointment":"a1"}}`,
		`{"id":"q","at":"2026-05-11T00:00:00Z","ask":{"action":"record_result","exam":"AIF-C01","on":"2026-05-11T00:06:00Z","scaled_score":700}}`,
		`{"id":"r","at":"2026-05-11T00:00:00Z","ask":{"action":"record_result","scaled_score":700}}`,
	} {
		f.Add([]byte(s))
	}
	p := definition.AWS()
	f.Fuzz(func(t *testing.T, line []byte) {
		out, _, err := scenario.NewDecider(p, true).Decide(nil, line, 1)
		if !json.Valid(out) || !utf8.Valid(out) {
			t.Fatalf("answer is not valid UTF-8 JSON: %q", out)
		}
		if bytes.ContainsAny(out, "\r\n") && !bytes.ContainsAny(line, "\r\n") {
			t.Fatalf("answer spans lines: %q", out)
		}
		dec := json.NewDecoder(bytes.NewReader(out))
		dec.UseNumber()
		var ans map[string]any
		if err := dec.Decode(&ans); err != nil || ans == nil {
			t.Fatalf("answer is not a JSON object: %q (%v)", out, err)
		}
		id, ok := ans["id"]
		if !ok {
			t.Fatalf("answer has no id: %q", out)
		}
		if want, ok := inputID(line); ok && !reflect.DeepEqual(id, want) {
			t.Fatalf("answer id %#v, input id %#v\ninput  %q\nanswer %q", id, want, line, out)
		}
		if e, isErr := ans["error"]; isErr {
			em, _ := e.(map[string]any)
			msg, _ := em["message"].(string)
			if em == nil || em["code"] != "invalid_scenario" || msg == "" {
				t.Fatalf("error answer %q", out)
			}
			if err == nil {
				t.Fatalf("error answer without an error: %q", out)
			}
			if len(ans) != 2 {
				t.Fatalf("error answer with other keys: %q", out)
			}
		} else if err != nil {
			t.Fatalf("Decide returned %v with a non-error answer %q", err, out)
		}
	})
}

// inputID is the input's id, decoded as the answer is, when the line
// begins with a JSON object that is valid I-JSON (RFC 7493: UTF-8, names
// unique); an object without "id" has id null. Of a line that is not, the
// answer's id is null or, if it can be read, the id.
func inputID(line []byte) (any, bool) {
	v, err := jsontext.NewDecoder(bytes.NewReader(line)).ReadValue()
	if err != nil {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return nil, false
	}
	return obj["id"], true
}
