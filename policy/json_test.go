package policy_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/recert/recert/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestAppendJSONString: the hand-written escaper writes what
// encoding/json's Marshal writes, byte for byte, so that answers written
// before it existed are unchanged.
func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "<script>&</script>", "\x00\x01\x1f\x7f", "\b\f\n\r\t",
		"\u2028\u2029", "caf\u00e9 \U0001F600", "bad \xff utf-8 \xc3", "\xed\xa0\x80 surrogate"} {
		checkJSONString(t, s)
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\xff", "\u2028", "<&>"} {
		f.Add(s)
	}
	f.Fuzz(checkJSONString)
}

func checkJSONString(t *testing.T, s string) {
	want, _ := json.Marshal(s)
	if got := policy.AppendJSONString(nil, s); !bytes.Equal(got, want) {
		t.Errorf("AppendJSONString(%q) = %s, want %s", s, got, want)
	}
}

// TestDecisionJSONGolden writes one decision of every action and every new
// reason, consequence and explanation with AppendDecisionJSON, and compares
// them with testdata/decisions.golden. Each line must also be a JSON object
// whose members are unique.
func TestDecisionJSONGolden(t *testing.T) {
	px, gc := tierPrograms(t)
	a1 := booked("a1", "AIF-C01", "2026-05-10T14:00:00Z", "2026-04-01T00:00:00Z")
	pass := result("AIF-C01", "2026-03-01T15:00:00Z", 760)
	onsite := withDelivery(booked("a1", "GCP-ACE", "2026-09-10T15:00:00Z", "2026-08-01T10:00:00Z"), "test_center")
	pxA1 := withDelivery(booked("a1", "PX-100", "2026-06-30T14:00:00Z", "2026-04-01T10:00:00Z"), "test_center")
	seat := func(a policy.Ask, mode string) policy.Ask { a.Delivery = mode; return a }
	med := func(id string) policy.Ask { return policy.Ask{Action: policy.MedicalException, Appointment: id} }
	cases := []struct {
		name    string
		p       *policy.Program
		history []policy.Event
		at      string
		ask     policy.Ask
	}{
		{"book", aws(), nil, "2026-04-01T00:00:00Z", book("AIF-C01", "2026-05-10T14:00:00Z")},
		{"book with a voucher", aws(), evs{pass}, "2026-04-01T00:00:00Z", voucherBook("SAA-C03", "2026-05-10T14:00:00Z")},
		{"no voucher", aws(), nil, "2026-04-01T00:00:00Z", voucherBook("SAA-C03", "2026-05-10T14:00:00Z")},
		{"beyond the horizon and off the grid", aws(), nil, "2026-04-01T00:00:00Z", seat(book("AIF-C01", "2027-05-10T14:10:00Z"), "online")},
		{"not delivered online", px, nil, "2026-04-01T00:00:00Z", seat(book("PX-100", "2026-05-10T14:00:00Z"), "online")},
		{"cancel in time", aws(), evs{a1}, "2026-05-01T00:00:00Z", cancel("a1")},
		{"cancel with a voucher", aws(), evs{pass, bookedVoucher("a1", "SAA-C03", "2026-05-10T14:00:00Z", "2026-04-01T00:00:00Z")},
			"2026-05-01T00:00:00Z", cancel("a1")},
		{"late cancel forfeits", gc, evs{onsite}, "2026-09-08T15:00:00Z", cancel("a1")},
		{"cancel keeps a fee", px, evs{pxA1}, "2026-06-10T14:00:00Z", cancel("a1")},
		{"late reschedule costs a fee", gc, evs{onsite}, "2026-09-09T09:00:00Z", reschedule("a1", "2026-09-20T15:00:00Z")},
		{"reschedule costs the whole fee", px, evs{pxA1}, "2026-06-29T14:00:00Z", reschedule("a1", "2026-07-30T14:00:00Z")},
		{"no change after the slot began", gc, evs{onsite}, "2026-09-10T15:00:01Z", cancel("a1")},
		{"no-show", aws(), evs{a1}, "2026-05-10T15:00:00Z", policy.Ask{Action: policy.MarkNoShow, Appointment: "a1"}},
		{"medical exception", aws(), evs{a1, noShow("a1")}, "2026-05-11T00:00:00Z", med("a1")},
		{"medical exception twice", aws(), evs{a1, noShow("a1"), {Kind: policy.Refunded, Appointment: "a1", At: ts("2026-05-12T00:00:00Z")}},
			"2026-05-13T00:00:00Z", med("a1")},
		{"medical exception, not missed", aws(), evs{a1}, "2026-05-01T00:00:00Z", med("a1")},
		{"no medical refund", gc, evs{onsite, noShow("a1")}, "2026-09-11T00:00:00Z", med("a1")},
		{"record a result", aws(), evs{a1}, "2026-05-10T18:00:00Z", policy.Ask{Action: policy.RecordResult, Appointment: "a1", Score: 760}},
		{"result before the slot", aws(), evs{a1}, "2026-05-10T13:00:00Z", policy.Ask{Action: policy.RecordResult, Appointment: "a1", Score: 760}},
		{"result in the future, twice", aws(), evs{result("AIF-C01", "2026-06-10T14:00:00Z", 640)}, "2026-05-11T00:00:00Z",
			policy.Ask{Action: policy.RecordResult, Exam: "AIF-C01", Slot: ts("2026-06-10T14:00:00Z"), Score: 760}},
		{"status", aws(), evs{pass}, "2026-04-01T00:00:00Z", status("ai-practitioner")},
		{"unknown certification", aws(), nil, "2026-04-01T00:00:00Z", status("nope")},
		{"recertify options", aws(), evs{pass}, "2026-04-01T00:00:00Z", options("ai-practitioner")},
		{"score", aws(), nil, "2026-04-01T00:00:00Z", policy.Ask{Action: policy.Score, Exam: "AIF-C01", Score: 700}},
	}
	var out bytes.Buffer
	for _, c := range cases {
		h, err := c.p.NewHistory(zone(t, "UTC"), c.history)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		d := c.p.Decide(h, ts(c.at), c.ask)
		line := policy.AppendDecisionJSON(nil, c.p, &d, true)
		if err := uniqueMembers(line); err != nil {
			t.Errorf("%s: %s: %v", c.name, line, err)
		}
		bare := policy.AppendDecisionJSON(nil, c.p, &d, false)
		var m map[string]any
		if err := json.Unmarshal(bare, &m); err != nil || m["action"] != c.ask.Action.String() || m["program"] != d.Program || m["explanation"] != nil {
			t.Errorf("%s: without explanation: %s (%v)", c.name, bare, err)
		}
		out.WriteString("# " + c.name + "\n")
		out.Write(line)
		out.WriteByte('\n')
	}
	golden := filepath.Join("testdata", "decisions.golden")
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test ./policy -run TestDecisionJSONGolden -update writes it)", err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("%s differs from the output (go test ./policy -run TestDecisionJSONGolden -update rewrites it):\n%s", golden, out.Bytes())
	}
}

// uniqueMembers reports an object member written twice, which
// encoding/json would silently accept (the last one wins).
func uniqueMembers(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	var walk func() error
	walk = func() error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return err
				}
				if seen[k.(string)] {
					return &json.UnsupportedValueError{Str: "member " + k.(string) + " twice"}
				}
				seen[k.(string)] = true
				if err := walk(); err != nil {
					return err
				}
			}
			_, err = dec.Token()
			return err
		case json.Delim('['):
			for dec.More() {
				if err := walk(); err != nil {
					return err
				}
			}
			_, err = dec.Token()
			return err
		}
		return nil
	}
	return walk()
}
