package verify_test

import (
	"crypto"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/recert/recert/credential/statuslist"
	"github.com/recert/recert/credential/verify"
)

// TestCacheAnswersAsWithout: with a warm Cache, every verification gives
// the same Result as a Verifier without one, and what the Cache may not
// remember is still checked each call: a withdrawn or replaced key, an
// issuer no longer trusted, a bit set since, the clock, a changed byte.
func TestCacheAnswersAsWithout(t *testing.T) {
	w := newWorld(t)
	s := w.issue(t, 2718)
	// Another credential, the same but for its status indexes, so that a
	// cache keyed on less than the exact bytes would mix the two up.
	other := w.issue(t, 1414)
	at := grant.AddDate(1, 0, 0)
	cold := w.v
	warm := w.v
	warm.Cache = verify.NewCache()
	parts := strings.Split(s.JWT, ".")
	sig := []byte(parts[2])
	sig[3] ^= 1
	otherKey := newWorld(t).issuer.Key.Public()
	key := w.v.Key
	inputs := map[string][]byte{
		"VC-JWT":                          []byte(s.JWT),
		"other VC-JWT":                    []byte(other.JWT),
		"other Data Integrity":            other.Document,
		"Data Integrity":                  s.Document,
		"VC-JWT, signature changed":       []byte(parts[0] + "." + parts[1] + "." + string(sig)),
		"Data Integrity, a changed score": []byte(strings.Replace(string(s.Document), "812", "813", 1)),
	}
	same := func(step string, wantState string, wantOther ...string) {
		t.Helper()
		for name, in := range inputs {
			c, h := cold.Verify(in, at), warm.Verify(in, at)
			if !reflect.DeepEqual(c, h) {
				t.Errorf("%s, %s: cached %+v, uncached %+v", step, name, h, c)
			}
			want := wantState
			if strings.HasPrefix(name, "other") && len(wantOther) > 0 {
				want = wantOther[0]
			}
			if strings.Contains(name, "changed") {
				want = verify.StateInvalid
				if h.State != want {
					t.Errorf("%s, %s: state %s, want %s", step, name, h.State, want)
				}
			} else if h.State != want {
				t.Errorf("%s, %s: state %s, want %s %+v", step, name, h.State, want, h.Checks)
			}
		}
	}
	same("cold cache", verify.StateActive)
	same("warm cache", verify.StateActive)

	withdrawn := func(string) (crypto.PublicKey, error) { return nil, errors.New("key withdrawn") }
	replaced := func(string) (crypto.PublicKey, error) { return otherKey, nil }
	for name, k := range map[string]func(string) (crypto.PublicKey, error){"key withdrawn": withdrawn, "key replaced": replaced} {
		cold.Key, warm.Key = k, k
		same(name, verify.StateInvalid)
		if r := warm.Verify([]byte(s.JWT), at); r.Checks[len(r.Checks)-1].Name != verify.CheckSignature {
			t.Errorf("%s: failed %+v, want the signature check", name, r.Checks)
		}
	}
	cold.Key, warm.Key = key, key
	same("key restored", verify.StateActive)

	cold.Trusted = func(string) bool { return false }
	warm.Trusted = cold.Trusted
	same("issuer no longer trusted", verify.StateInvalid)
	cold.Trusted, warm.Trusted = w.v.Trusted, w.v.Trusted

	at = expires
	same("at validUntil", verify.StateExpired)
	at = grant.AddDate(1, 0, 0)

	if err := w.lists["https://recert.example.org/status/"+statuslist.PurposeRevocation].Set(2718, true); err != nil {
		t.Fatal(err)
	}
	same("revoked since", verify.StateRevoked, verify.StateActive)
}
