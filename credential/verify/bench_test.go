package verify_test

import (
	"testing"
	"time"

	"github.com/recert/recert/credential/verify"
)

// The benchmarks time one verification as the JSON API does it
// (signature, issuer, schema, dates, both status lists, the lists cached
// by the caller as its StatusList func does), serially and on all cores.
// "repeat" verifies the same credential again and again, the Cache
// answering the signature from its remembered verdicts; "fresh-signature"
// (and "fresh-proof") forgets those verdicts before each call, so every call does the Ed25519
// arithmetic (a credential the verifier has not seen, with its status
// lists and schema result cached). docs/performance.md:
//
//	go test ./credential/verify -run '^$' -bench VerifyJWT -benchtime 20000x -cpu 2
//	go test ./credential/verify -run '^$' -bench VerifyDataIntegrity -benchtime 200x -cpu 2
func BenchmarkVerifyJWT(b *testing.B) {
	w, at := benchWorld(b)
	s := w.issue(&testing.T{}, 99)
	token := []byte(s.JWT)
	warmUp(b, w, token, at)
	for _, mode := range []struct {
		name   string
		forget bool
	}{{"repeat", false}, {"fresh-signature", true}} {
		run := func(b *testing.B) {
			if mode.forget {
				verify.ForgetVerdicts(w.v.Cache)
			}
			if r := w.v.Verify(token, at); r.State != "active" {
				b.Errorf("state %s: %+v", r.State, r.Checks)
			}
		}
		b.Run(mode.name+"/serial", func(b *testing.B) { serial(b, run) })
		b.Run(mode.name+"/parallel", func(b *testing.B) { parallel(b, run) })
	}
}

// BenchmarkVerifyDataIntegrity is the same for the eddsa-rdfc-2022 form,
// whose RDF canonicalization dominates a fresh proof check. Run it with
// fewer iterations (-benchtime 200x): a fresh check takes milliseconds.
func BenchmarkVerifyDataIntegrity(b *testing.B) {
	w, at := benchWorld(b)
	s := w.issue(&testing.T{}, 99)
	warmUp(b, w, s.Document, at)
	for _, mode := range []struct {
		name   string
		forget bool
	}{{"repeat", false}, {"fresh-proof", true}} {
		run := func(b *testing.B) {
			if mode.forget {
				verify.ForgetVerdicts(w.v.Cache)
			}
			if r := w.v.Verify(s.Document, at); r.State != "active" {
				b.Errorf("state %s: %+v", r.State, r.Checks)
			}
		}
		b.Run(mode.name+"/serial", func(b *testing.B) { serial(b, run) })
		b.Run(mode.name+"/parallel", func(b *testing.B) { parallel(b, run) })
	}
}

// benchWorld is newWorld with the caller's status list cache and a
// verifier Cache, checked once to verify.
func benchWorld(b *testing.B) (*world, time.Time) {
	w := newWorld(&testing.T{})
	lists := map[string]map[string]any{}
	fetch := w.v.StatusList
	for _, url := range []string{"https://recert.example.org/status/revocation", "https://recert.example.org/status/suspension"} {
		l, err := fetch(url)
		if err != nil {
			b.Fatal(err)
		}
		lists[url] = l
	}
	w.v.StatusList = func(url string) (map[string]any, error) { return lists[url], nil }
	w.v.Cache = verify.NewCache()
	return w, grant.AddDate(1, 0, 0)
}

// warmUp verifies in once, so that no timed iteration pays for filling
// the Cache (with -benchtime 200x a first fresh proof check would be a
// third of the total).
func warmUp(b *testing.B, w *world, in []byte, at time.Time) {
	if r := w.v.Verify(in, at); r.State != "active" {
		b.Fatalf("state %s: %+v", r.State, r.Checks)
	}
}

func serial(b *testing.B, run func(*testing.B)) {
	b.ReportAllocs()
	for b.Loop() {
		run(b)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verifications/s")
}

func parallel(b *testing.B, run func(*testing.B)) {
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			run(b)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verifications/s")
}
