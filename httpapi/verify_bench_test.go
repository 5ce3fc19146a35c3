package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
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
// for once a second and what a verification joins kept for a second (a
// change made here empties it); "cached-h2c" is the same over HTTP/2
// without TLS, as serve also speaks.
// docs/performance.md:
//
//	go test ./httpapi -run '^$' -bench VerifyAPI -benchtime 2s
func BenchmarkVerifyAPI(b *testing.B) {
	b.Run("reads", func(b *testing.B) { benchVerify(b, 0, false) })
	b.Run("cached", func(b *testing.B) { benchVerify(b, time.Second, false) })
	b.Run("cached-h2c", func(b *testing.B) { benchVerify(b, time.Second, true) })
}

// benchVerify posts one VC-JWT over and over from many goroutines. With
// h2c the server speaks HTTP/2 without TLS (prior knowledge): many
// requests share a connection and the server writes their frames
// together, so a verification costs fewer system calls.
func benchVerify(b *testing.B, cache time.Duration, h2c bool) {
	w := newVerifyWorldCached(b, cache)
	c := w.earn(b, "ada", "Ada Lovelace", "ada@example.com")
	url := w.srv.URL + "/v1/verify"
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}}
	proto := 1
	if h2c {
		w.srv.Close()
		srv := httptest.NewUnstartedServer(w.server)
		srv.Config.Protocols = new(http.Protocols)
		srv.Config.Protocols.SetHTTP1(true)
		srv.Config.Protocols.SetUnencryptedHTTP2(true)
		srv.Start()
		defer srv.Close()
		tr := &http.Transport{Protocols: new(http.Protocols)}
		tr.Protocols.SetUnencryptedHTTP2(true)
		client, url, proto = &http.Client{Transport: tr}, srv.URL+"/v1/verify", 2
	}
	// Several client goroutines a core keep both cores busy while each
	// waits for its answer, as many employers' checks at once would.
	postLoop(b, 8, func() error {
		res, err := client.Post(url, "application/vc+jwt", bytes.NewReader([]byte(c.JWT)))
		if err != nil {
			return err
		}
		body, err := io.ReadAll(res.Body)
		_ = res.Body.Close()
		if err == nil && (res.StatusCode != 200 || res.ProtoMajor != proto || !bytes.Contains(body, []byte(`"state":"active"`))) {
			b.Errorf("%s %d %s", res.Proto, res.StatusCode, body)
		}
		return err
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verifications/s")
}

// BenchmarkVerifyHandler is POST /v1/verify through the API's handler
// in this process, without a socket: what the API itself costs, apart
// from the kernel's loopback and a client sharing the machine's cores.
func BenchmarkVerifyHandler(b *testing.B) {
	w := newVerifyWorldCached(b, time.Second)
	c := w.earn(b, "ada", "Ada Lovelace", "ada@example.com")
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("POST", "/v1/verify", bytes.NewReader([]byte(c.JWT)))
			req.Header.Set("Content-Type", "application/vc+jwt")
			rec := httptest.NewRecorder()
			w.server.ServeHTTP(rec, req)
			if rec.Code != 200 || !bytes.Contains(rec.Body.Bytes(), []byte(`"state":"active"`)) {
				b.Errorf("%d %s", rec.Code, rec.Body)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verifications/s")
}

// BenchmarkVerifyBatch posts batches of 100 VC-JWTs (50 credentials of 50
// holders, each twice) to POST /v1/verify/batch over a real listener from
// several goroutines, with serve's caches: verifications per second
// through the JSON API when a caller sends many at once.
func BenchmarkVerifyBatch(b *testing.B) {
	w := newVerifyWorldCached(b, time.Second)
	var creds []string
	for i := range 50 {
		c := w.earn(b, fmt.Sprintf("cand%02d", i), fmt.Sprintf("Holder %02d", i), "")
		creds = append(creds, c.JWT, c.JWT)
	}
	body, err := json.Marshal(map[string]any{"credentials": creds})
	if err != nil {
		b.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64}}
	url := w.srv.URL + "/v1/verify/batch"
	postLoop(b, 2, func() error {
		res, err := client.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			return err
		}
		out, err := io.ReadAll(res.Body)
		_ = res.Body.Close()
		if err == nil && (res.StatusCode != 200 || bytes.Count(out, []byte(`{"state":"active","form"`)) != len(creds)) {
			b.Errorf("%d %.300s", res.StatusCode, out)
		}
		return err
	})
	b.ReportMetric(float64(b.N*len(creds))/b.Elapsed().Seconds(), "verifications/s")
}

// postLoop posts once to warm up, then from parallelism goroutines a core
// until the benchmark is done.
func postLoop(b *testing.B, parallelism int, post func() error) {
	if err := post(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetParallelism(parallelism)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := post(); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
