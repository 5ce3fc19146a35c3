package resolve_test

import (
	"crypto/ed25519"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/recert/recert/credential"
	"github.com/recert/recert/credential/dataintegrity"
	"github.com/recert/recert/credential/keyring"
	"github.com/recert/recert/credential/ob"
	"github.com/recert/recert/credential/statuslist"
)

var (
	grant   = time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	expires = time.Date(2029, 3, 10, 0, 0, 0, 0, time.UTC)
	listTTL = 5 * time.Minute
)

// issuerServer is an issuer on an httptest server named by did:web: it
// publishes its DID document and two status lists with the bits the test
// sets, signed on each request as recert serve does, with Cache-Control.
type issuerServer struct {
	srv    *httptest.Server
	did    string
	base   string
	issuer credential.Issuer
	doc    []byte
	mu     sync.Mutex
	set    map[string][]int  // purpose -> indexes set
	fixed  map[string][]byte // path -> a body served instead (tampering)
	hits   map[string]int
	from   time.Time // the lists' validFrom
}

func newIssuerServer(t *testing.T) *issuerServer {
	t.Helper()
	s := &issuerServer{set: map[string][]int{}, fixed: map[string][]byte{}, hits: map[string]int{}, from: grant}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	u, _ := url.Parse(s.srv.URL)
	host := "localhost:" + u.Port()
	s.did, s.base = "did:web:localhost%3A"+u.Port(), "http://"+host
	k, err := keyring.Generate("key-1", keyring.EdDSA, grant)
	if err != nil {
		t.Fatal(err)
	}
	s.issuer = credential.Issuer{DID: s.did, Key: k}
	s.doc, err = ob.DIDDocument(host, []ob.VerificationKey{{ID: "key-1", PublicKeyMultibase: dataintegrity.PublicKeyMultibase(k.Public().(ed25519.PublicKey))}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *issuerServer) listURL(purpose string) string { return s.base + "/status/" + purpose }

func (s *issuerServer) setBits(purpose string, idx ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.set[purpose] = idx
}

func (s *issuerServer) setFrom(t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.from = t
}

func (s *issuerServer) serveFixed(path string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fixed[path] = body
}

func (s *issuerServer) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func (s *issuerServer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hits[r.URL.Path]++
	if b, ok := s.fixed[r.URL.Path]; ok {
		w.Header().Set("Cache-Control", "max-age=300")
		_, _ = w.Write(b)
		return
	}
	switch {
	case r.URL.Path == "/.well-known/did.json":
		w.Header().Set("Cache-Control", "public, max-age=300")
		_, _ = w.Write(s.doc)
	case strings.HasPrefix(r.URL.Path, "/status/"):
		purpose := strings.TrimPrefix(r.URL.Path, "/status/")
		b, err := s.issuer.SignStatusList(credential.StatusList{URL: s.listURL(purpose), Purpose: purpose, Set: s.set[purpose]}, s.from, listTTL)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=300")
		_, _ = w.Write(b)
	default:
		http.NotFound(w, r)
	}
}

// issue signs a credential of s at status index.
func (s *issuerServer) issue(t *testing.T, index int) credential.Secured {
	t.Helper()
	var status []map[string]any
	for _, p := range []string{statuslist.PurposeRevocation, statuslist.PurposeSuspension} {
		e, err := statuslist.Entry(s.listURL(p), index, p)
		if err != nil {
			t.Fatal(err)
		}
		status = append(status, e)
	}
	c, err := s.issuer.Issue(ob.Input{
		ID:          s.base + "/credentials/cred-1",
		Issuer:      ob.Issuer{Name: "AWS Certification (recert)", URL: s.base},
		Subject:     ob.Subject{ID: "urn:uuid:0b3f6f1e-ada0-4c6b-9a5e-0c1d2e3f4a5b", Name: "Ada Lovelace", Email: "ada@example.com"},
		Achievement: ob.Achievement{ID: s.base + "/programs/aws/certifications/ai-practitioner", Name: "AWS Certified AI Practitioner", Description: "Foundational.", HumanCode: "AIF-C01", CriteriaNarrative: "Pass AIF-C01."},
		AwardedDate: grant, ValidFrom: grant, ValidUntil: expires,
		Result: &ob.Result{Scaled: 812, Passing: 700, Min: 100, Max: 1000},
		Status: status,
	}, grant)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func credentialList(s *issuerServer, purpose string, set ...int) credential.StatusList {
	return credential.StatusList{URL: s.listURL(purpose), Purpose: purpose, Set: set}
}

// encodedList digs the encodedList out of a status list credential.
func encodedList(t *testing.T, doc []byte) string {
	t.Helper()
	s := string(doc)
	i := strings.Index(s, `"encodedList":"`)
	if i < 0 {
		t.Fatalf("no encodedList in %s", doc)
	}
	s = s[i+len(`"encodedList":"`):]
	return s[:strings.Index(s, `"`)]
}
