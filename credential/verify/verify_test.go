package verify_test

import (
	"crypto"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/recert/recert/credential"
	"github.com/recert/recert/credential/keyring"
	"github.com/recert/recert/credential/ob"
	"github.com/recert/recert/credential/statuslist"
	"github.com/recert/recert/credential/vcjwt"
	"github.com/recert/recert/credential/verify"
)

const did = "did:web:recert.example.org"

var (
	grant   = time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	expires = time.Date(2029, 3, 10, 0, 0, 0, 0, time.UTC)
)

// world is an issuer, its two status lists and a verifier that trusts it.
type world struct {
	issuer credential.Issuer
	lists  map[string]*statuslist.List
	v      verify.Verifier
}

func newWorld(t *testing.T) *world {
	t.Helper()
	k, err := keyring.Generate("key-1", keyring.EdDSA, grant)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{issuer: credential.Issuer{DID: did, Key: k}, lists: map[string]*statuslist.List{}}
	for _, p := range []string{statuslist.PurposeRevocation, statuslist.PurposeSuspension} {
		l, err := statuslist.New(statuslist.MinEntries)
		if err != nil {
			t.Fatal(err)
		}
		w.lists["https://recert.example.org/status/"+p] = l
	}
	w.v = verify.Verifier{
		Key: func(vm string) (crypto.PublicKey, error) {
			if vm != w.issuer.VerificationMethod() {
				return nil, errors.New("unknown verification method " + vm)
			}
			return k.Public(), nil
		},
		Trusted:        func(issuer string) bool { return issuer == did },
		ExpiringWithin: 90 * 24 * time.Hour,
		StatusList: func(url string) (map[string]any, error) {
			l, ok := w.lists[url]
			if !ok {
				return nil, errors.New("no such list")
			}
			enc, err := l.Encode()
			if err != nil {
				return nil, err
			}
			purpose := url[strings.LastIndex(url, "/")+1:]
			m, err := statuslist.Credential(statuslist.CredentialInput{ID: url, Issuer: did, Purpose: purpose, ValidFrom: grant, TTL: 5 * time.Minute, Encoded: enc})
			if err != nil {
				return nil, err
			}
			// As a verifier sees it: parsed from JSON.
			b, _ := json.Marshal(m)
			var out map[string]any
			return out, json.Unmarshal(b, &out)
		},
	}
	return w
}

func (w *world) issue(t *testing.T, index int) credential.Secured {
	t.Helper()
	var status []map[string]any
	for _, p := range []string{statuslist.PurposeRevocation, statuslist.PurposeSuspension} {
		e, err := statuslist.Entry("https://recert.example.org/status/"+p, index, p)
		if err != nil {
			t.Fatal(err)
		}
		status = append(status, e)
	}
	s, err := w.issuer.Issue(ob.Input{
		ID:          "https://recert.example.org/credentials/cred-1",
		Issuer:      ob.Issuer{Name: "AWS Certification (recert)", URL: "https://recert.example.org"},
		Subject:     ob.Subject{ID: "urn:uuid:0b3f6f1e-ada0-4c6b-9a5e-0c1d2e3f4a5b", Name: "Ada Lovelace", Email: "ada@example.com"},
		Achievement: ob.Achievement{ID: "https://recert.example.org/programs/aws/certifications/ai-practitioner", Name: "AWS Certified AI Practitioner", Description: "Foundational.", HumanCode: "AIF-C01", CriteriaNarrative: "Pass AIF-C01."},
		AwardedDate: grant, ValidFrom: grant, ValidUntil: expires,
		Result: &ob.Result{Scaled: 812, Passing: 700, Min: 100, Max: 1000},
		Status: status,
	}, grant)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func states(t *testing.T, w *world, s credential.Secured, at time.Time) (string, string) {
	t.Helper()
	a, b := w.v.Verify(s.Document, at), w.v.Verify([]byte(s.JWT), at)
	return a.State, b.State
}

// TestIssueThenVerify: both forms of one credential verify, and say the
// same state through its life: active, expiring soon, expired; revoked and
// suspended by their lists, whatever the dates say.
func TestIssueThenVerify(t *testing.T) {
	w := newWorld(t)
	s := w.issue(t, 4242)
	cases := []struct {
		name string
		at   time.Time
		set  string
		want string
	}{
		{"a year in", grant.AddDate(1, 0, 0), "", verify.StateActive},
		{"two months before the end", expires.AddDate(0, -2, 0), "", verify.StateExpiringSoon},
		{"after the end", expires.Add(time.Hour), "", verify.StateExpired},
		{"before it began", grant.Add(-time.Hour), "", verify.StateNotYetValid},
		{"suspended", grant.AddDate(1, 0, 0), statuslist.PurposeSuspension, verify.StateSuspended},
		{"revoked", grant.AddDate(1, 0, 0), statuslist.PurposeRevocation, verify.StateRevoked},
	}
	for _, c := range cases {
		if c.set != "" {
			if err := w.lists["https://recert.example.org/status/"+c.set].Set(4242, true); err != nil {
				t.Fatal(err)
			}
		}
		di, jwt := states(t, w, s, c.at)
		if di != c.want || jwt != c.want {
			t.Errorf("%s: Data Integrity %s, VC-JWT %s; want %s", c.name, di, jwt, c.want)
		}
	}
}

// TestVerifySaysWhatFailed: a changed credential fails its signature, an
// unknown issuer fails the issuer check, garbage fails the format; each
// result names the failed check.
func TestVerifySaysWhatFailed(t *testing.T) {
	w := newWorld(t)
	s := w.issue(t, 7)
	at := grant.AddDate(1, 0, 0)
	tamperedDoc := strings.Replace(string(s.Document), "812", "999", 1)
	parts := strings.Split(s.JWT, ".")
	payload := []byte(parts[1])
	payload[len(payload)/2] ^= 1
	tamperedJWT := parts[0] + "." + string(payload) + "." + parts[2]
	other := newWorld(t) // another key under the same DID
	stranger := other.issue(t, 7)
	w.v.Trusted = func(string) bool { return false }
	untrusted := w.v.Verify([]byte(s.JWT), at)
	w.v.Trusted = func(issuer string) bool { return issuer == did }
	cases := []struct {
		name  string
		r     verify.Result
		check string
	}{
		{"a changed score (Data Integrity)", w.v.Verify([]byte(tamperedDoc), at), verify.CheckSignature},
		{"a changed payload (VC-JWT)", w.v.Verify([]byte(tamperedJWT), at), verify.CheckSignature},
		{"signed by another key", w.v.Verify([]byte(stranger.JWT), at), verify.CheckSignature},
		{"an issuer not trusted", untrusted, verify.CheckIssuer},
		{"garbage", w.v.Verify([]byte("hello"), at), verify.CheckFormat},
		{"empty", w.v.Verify(nil, at), verify.CheckFormat},
	}
	for _, c := range cases {
		last := c.r.Checks[len(c.r.Checks)-1]
		if c.r.State != verify.StateInvalid || last.OK || last.Name != c.check || last.Detail == "" {
			t.Errorf("%s: state %s, last check %+v; want invalid, failing %s with a reason", c.name, c.r.State, last, c.check)
		}
	}
}

// TestSignedWithAnotherIssuersKey: a verifier that trusts two issuers
// refuses a credential naming one but signed with the other's key, though
// the key resolves and the signature holds: only the issuer's own keys
// vouch for its credentials.
func TestSignedWithAnotherIssuersKey(t *testing.T) {
	w := newWorld(t)
	other, err := keyring.Generate("key-1", keyring.EdDSA, grant)
	if err != nil {
		t.Fatal(err)
	}
	const otherDID = "did:web:other.example.org"
	otherVM := otherDID + "#key-1"
	key := w.v.Key
	w.v.Key = func(vm string) (crypto.PublicKey, error) {
		if vm == otherVM {
			return other.Public(), nil
		}
		return key(vm)
	}
	w.v.Trusted = func(issuer string) bool { return issuer == did || issuer == otherDID }
	var doc map[string]any
	if err := json.Unmarshal(w.issue(t, 7).Document, &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "proof")
	body, _ := json.Marshal(doc)
	forged, err := vcjwt.Sign(body, other.Private, otherVM)
	if err != nil {
		t.Fatal(err)
	}
	r := w.v.Verify([]byte(forged), grant.AddDate(1, 0, 0))
	last := r.Checks[len(r.Checks)-1]
	if r.State != verify.StateInvalid || last.Name != verify.CheckSignature || !strings.Contains(last.Detail, "not of the issuer") {
		t.Fatalf("signed with another issuer's key: %s %+v; want invalid on the signature", r.State, r.Checks)
	}
	// The other issuer's own credential, signed with its own key, holds.
	doc["issuer"] = map[string]any{"id": otherDID, "type": []any{"Profile"}, "name": "Other", "url": "https://other.example.org"}
	body, _ = json.Marshal(doc)
	own, err := vcjwt.Sign(body, other.Private, otherVM)
	if err != nil {
		t.Fatal(err)
	}
	if r := w.v.Verify([]byte(own), grant.AddDate(1, 0, 0)); r.Checks[len(r.Checks)-1].Name == verify.CheckSignature && !r.Checks[len(r.Checks)-1].OK {
		t.Fatalf("the other issuer's own credential: %+v", r.Checks)
	}
}
