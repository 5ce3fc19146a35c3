package verify_test

import (
	"testing"

	"github.com/recert/recert/credential/verify"
)

// BenchmarkVerifyJWT is one VC-JWT verification as the JSON API will do it
// (signature, issuer, schema, dates, both status lists, the lists cached by
// the caller), on all cores. docs/performance.md:
//
//	go test ./credential/verify -run '^$' -bench VerifyJWT -benchtime 20000x
func BenchmarkVerifyJWT(b *testing.B) {
	t := &testing.T{}
	w := newWorld(t)
	s := w.issue(t, 99)
	lists := map[string]map[string]any{}
	fetch := w.v.StatusList
	w.v.StatusList = func(url string) (map[string]any, error) {
		if l, ok := lists[url]; ok {
			return l, nil
		}
		l, err := fetch(url)
		lists[url] = l
		return l, err
	}
	w.v.Cache = verify.NewCache()
	at := grant.AddDate(1, 0, 0)
	if r := w.v.Verify([]byte(s.JWT), at); r.State != "active" {
		b.Fatalf("state %s: %+v", r.State, r.Checks)
	}
	token := []byte(s.JWT)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if r := w.v.Verify(token, at); r.State != "active" {
				b.Errorf("state %s", r.State)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verifications/s")
}
