package verify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/recert/recert/credential"
	"github.com/recert/recert/credential/statuslist"
	"github.com/recert/recert/credential/verify"
)

// TestSignedStatusLists: the issuer signs its revocation list; the
// verifier checks the list's proof, issuer and dates before it believes
// the bit, and a credential on it shows as revoked. A list changed after
// signing, or signed by someone else, is refused, and so is the credential
// that names it.
func TestSignedStatusLists(t *testing.T) {
	w := newWorld(t)
	s := w.issue(t, 31337)
	at := grant.AddDate(1, 0, 0)
	revURL := "https://recert.example.org/status/" + statuslist.PurposeRevocation
	susURL := "https://recert.example.org/status/" + statuslist.PurposeSuspension
	sign := func(is credential.Issuer, url, purpose string, set ...int) []byte {
		b, err := is.SignStatusList(credential.StatusList{URL: url, Purpose: purpose, Set: set}, grant, 5*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	published := map[string][]byte{
		revURL: sign(w.issuer, revURL, statuslist.PurposeRevocation, 31337),
		susURL: sign(w.issuer, susURL, statuslist.PurposeSuspension),
	}
	w.v.StatusList = func(url string) (map[string]any, error) {
		return w.v.StatusListCredential(published[url], did, at)
	}
	if r := w.v.Verify([]byte(s.JWT), at); r.State != verify.StateRevoked {
		t.Fatalf("a credential on the signed revocation list: %s %+v; want revoked", r.State, r.Checks)
	}

	// Someone flips the bit back without the issuer's key.
	forged := sign(w.issuer, revURL, statuslist.PurposeRevocation)
	published[revURL] = []byte(strings.Replace(string(published[revURL]), encodedList(t, published[revURL]), encodedList(t, forged), 1))
	r := w.v.Verify([]byte(s.JWT), at)
	if last := r.Checks[len(r.Checks)-1]; r.State != verify.StateInvalid || last.Name != verify.CheckStatus || !strings.Contains(last.Detail, "status list") {
		t.Fatalf("a tampered list: %s %+v; want invalid, failing the status check", r.State, r.Checks)
	}
	// A list signed by another key under the same DID.
	other := newWorld(t)
	published[revURL] = sign(other.issuer, revURL, statuslist.PurposeRevocation)
	if r := w.v.Verify([]byte(s.JWT), at); r.State != verify.StateInvalid {
		t.Fatalf("a list signed by a stranger: %s; want invalid", r.State)
	}
	// A list of another issuer.
	if _, err := w.v.StatusListCredential(sign(w.issuer, revURL, statuslist.PurposeRevocation), "did:web:elsewhere.example", at); err == nil {
		t.Fatal("a list of another issuer was accepted")
	}
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
