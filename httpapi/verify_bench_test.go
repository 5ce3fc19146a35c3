package httpapi

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkVerifyAPI posts one VC-JWT to POST /v1/verify over a real
// listener from all cores, the status lists signed once by app (re-signed
// only when a bit changes or their ttl ends) and checked once by the
// verifier. "reads" asks the ledger for the lists' bits and everything the
// answer joins on every call; "cached" is serve's wiring: the lists asked
// for once a second and the credential's own record the one read per call.
// docs/performance.md:
//
//	go test ./httpapi -run '^$' -bench VerifyAPI -benchtime 2s
func BenchmarkVerifyAPI(b *testing.B) {
	b.Run("reads", func(b *testing.B) { benchVerify(b, 0) })
	b.Run("cached", func(b *testing.B) { benchVerify(b, time.Second) })
	b.Run("cached-h2c", func(b *testing.B) { benchVerifyH2C(b, time.Second) })
}

func benchVerify(b *testing.B, cache time.Duration) {
	w := newVerifyWorldCached(b, cache)
	c := w.earn(b, "ada", "Ada Lovelace", "ada@example.com")
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}}
	url := w.srv.URL + "/v1/verify"
	post := func() error {
		res, err := client.Post(url, "application/vc+jwt", bytes.NewReader([]byte(c.JWT)))
		if err != nil {
			return err
		}
		body, err := io.ReadAll(res.Body)
		_ = res.Body.Close()
		if err == nil && (res.StatusCode != 200 || !bytes.Contains(body, []byte(`"state":"active"`))) {
			b.Errorf("%d %s", res.StatusCode, body)
		}
		return err
	}
	if err := post(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	// Four client goroutines a core keep both cores busy while each
	// waits for its answer, as many employers' checks at once would.
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := post(); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verifications/s")
}

// benchVerifyH2C is benchVerify over HTTP/2 without TLS (prior knowledge):
// many requests share one connection, and the server writes their frames
// together, so a verification costs fewer system calls.
func benchVerifyH2C(b *testing.B, cache time.Duration) {
	w := newVerifyWorldCached(b, cache)
	c := w.earn(b, "ada", "Ada Lovelace", "ada@example.com")
	w.srv.Close()
	srv := httptest.NewUnstartedServer(w.server)
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetHTTP1(true)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	defer srv.Close()
	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	client := &http.Client{Transport: tr}
	url := srv.URL + "/v1/verify"
	post := func() error {
		res, err := client.Post(url, "application/vc+jwt", bytes.NewReader([]byte(c.JWT)))
		if err != nil {
			return err
		}
		body, err := io.ReadAll(res.Body)
		_ = res.Body.Close()
		if err == nil && (res.StatusCode != 200 || res.ProtoMajor != 2 || !bytes.Contains(body, []byte(`"state":"active"`))) {
			b.Errorf("%s %d %s", res.Proto, res.StatusCode, body)
		}
		return err
	}
	if err := post(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := post(); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verifications/s")
}
