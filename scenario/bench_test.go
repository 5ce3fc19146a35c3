package scenario_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/recert/recert/definition"
	"github.com/recert/recert/scenario"
)

// genLines makes n scenario lines like the generated conformance cases:
// a few appointments with outcomes across the catalog, a random zone and a
// random question. The seed is fixed so every run measures the same input.
func genLines(n int) [][]byte {
	r := rand.New(rand.NewPCG(1, 2))
	exams := []string{"CLF-C02", "AIF-C01", "SAA-C03", "DVA-C02", "DEA-C01", "MLA-C01", "SAP-C02", "DOP-C02", "SOA-C03", "SCS-C03"}
	certs := []string{"cloud-practitioner", "ai-practitioner", "solutions-architect-associate", "developer-associate"}
	zones := []string{"UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Pacific/Auckland"}
	lines := make([][]byte, n)
	for i := range lines {
		t := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(400*24)) * time.Hour)
		var hist []map[string]any
		k := 1 + r.IntN(6)
		for a := 1; a <= k; a++ {
			id := fmt.Sprintf("a%d", a)
			slot := t.Add(time.Duration(20+r.IntN(20)) * 24 * time.Hour)
			hist = append(hist, map[string]any{"type": "booked", "appointment": id, "exam": exams[r.IntN(len(exams))],
				"slot": slot.Format(time.RFC3339), "at": t.Format(time.RFC3339)})
			switch r.IntN(4) {
			case 0:
				hist = append(hist, map[string]any{"type": "sat", "appointment": id, "scaled_score": 500 + r.IntN(400)})
			case 1:
				hist = append(hist, map[string]any{"type": "rescheduled", "appointment": id, "slot": slot.Add(72 * time.Hour).Format(time.RFC3339), "at": t.Add(time.Hour).Format(time.RFC3339)},
					map[string]any{"type": "sat", "appointment": id, "scaled_score": 600 + r.IntN(300)})
			case 2:
				hist = append(hist, map[string]any{"type": "no_show", "appointment": id})
			}
			t = slot.Add(time.Duration(5+r.IntN(30)) * 24 * time.Hour)
		}
		var ask map[string]any
		switch r.IntN(4) {
		case 0, 1:
			ask = map[string]any{"action": "book", "exam": exams[r.IntN(len(exams))], "slot": t.Add(10 * 24 * time.Hour).Format(time.RFC3339)}
		case 2:
			ask = map[string]any{"action": "status", "certification": certs[r.IntN(len(certs))]}
		default:
			ask = map[string]any{"action": "recertify_options", "certification": certs[r.IntN(len(certs))]}
		}
		line, _ := json.Marshal(map[string]any{"id": fmt.Sprintf("gen-%06d", i), "at": t.Format(time.RFC3339),
			"time_zone": zones[r.IntN(len(zones))], "history": hist, "ask": ask})
		lines[i] = line
	}
	return lines
}

const streamLines = 100_000

// BenchmarkDecideStream is recert decide without the process: 100,000
// lines in, 100,000 answers out, in parallel batches.
func BenchmarkDecideStream(b *testing.B) {
	lines := genLines(streamLines)
	data := append(bytes.Join(lines, []byte{'\n'}), '\n')
	p := definition.AWS()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if err := scenario.Decide(p, bytes.NewReader(data), io.Discard, scenario.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(streamLines*b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkDecideLine splits one core's cost of a line into parsing and
// the rest, and compares with plain encoding/json decoding of the same
// lines into a generic value: the engine must cost less than the parsing.
func BenchmarkDecideLine(b *testing.B) {
	lines := genLines(10_000)
	p := definition.AWS()
	b.Run("encoding_json_decode_only", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			var v map[string]any
			if err := json.Unmarshal(lines[i%len(lines)], &v); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	})
	b.Run("parse_only", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := scenario.Parse(lines[i%len(lines)]); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	})
	b.Run("parse_decide_answer", func(b *testing.B) {
		dc := scenario.NewDecider(p, false)
		var out []byte
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			var err error
			if out, _, err = dc.Decide(out[:0], lines[i%len(lines)], i); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	})
}
