package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestSiteSendsTheAPIsPathsToTheAPI checks the join of the two siblings:
// every path of the OpenAPI document answers as the API (JSON or its own
// media types, never a page), and the front page is a page.
func TestSiteSendsTheAPIsPathsToTheAPI(t *testing.T) {
	url, _ := startServer(t)
	res, err := http.Get(url + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]any `json:"paths"`
	}
	err = json.NewDecoder(res.Body).Decode(&doc)
	res.Body.Close()
	if err != nil || len(doc.Paths) < 20 {
		t.Fatalf("GET /openapi.json: %v (%d paths)", err, len(doc.Paths))
	}
	for p := range doc.Paths {
		path := strings.NewReplacer("{", "x", "}", "").Replace(p)
		res, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if ct := res.Header.Get("Content-Type"); strings.HasPrefix(ct, "text/html") {
			t.Errorf("GET %s (for %s) answered a page (%d %s): the site sends it to the pages, not the API", path, p, res.StatusCode, ct)
		}
	}
	res, err = http.Get(url + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if ct := res.Header.Get("Content-Type"); res.StatusCode != 200 || !strings.HasPrefix(ct, "text/html") {
		t.Errorf("GET / = %d %s, want the front page", res.StatusCode, ct)
	}
}

// TestServeSpeaksH2C: serve answers HTTP/2 without TLS to a client that
// asks with prior knowledge, and HTTP/1.1 to one that does not.
func TestServeSpeaksH2C(t *testing.T) {
	url, _ := startServer(t)
	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	for _, c := range []struct {
		client *http.Client
		major  int
	}{{&http.Client{Transport: tr}, 2}, {http.DefaultClient, 1}} {
		res, err := c.client.Get(url + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 || res.ProtoMajor != c.major {
			t.Errorf("GET /healthz: %d over %s, want HTTP/%d", res.StatusCode, res.Proto, c.major)
		}
	}
}
