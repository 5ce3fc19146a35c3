package resolve_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/recert/recert/credential/resolve"
	"github.com/recert/recert/credential/statuslist"
	"github.com/recert/recert/credential/vcjwt"
	"github.com/recert/recert/credential/verify"
)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newResolver(dir string, online bool, c *clock) *resolve.Resolver {
	return &resolve.Resolver{Cache: resolve.Cache{Dir: dir}, Online: online, Fetcher: &resolve.Fetcher{},
		Now: c.now, ExpiringWithin: 90 * 24 * time.Hour, Hint: "run with --fetch"}
}

func failed(r verify.Result) verify.Check {
	for _, c := range r.Checks {
		if !c.OK {
			return c
		}
	}
	return verify.Check{}
}

// TestFetchThenOffline: online, both forms verify and the issuer's DID
// document and lists are cached (each fetched once for both); offline,
// with the server gone, the cache alone answers the same, with no warning
// within the ttl and a warning saying how old the list is past it; a
// revocation published after the fetch shows only after a fetch.
func TestFetchThenOffline(t *testing.T) {
	s := newIssuerServer(t)
	c := s.issue(t, 4242)
	dir := t.TempDir()
	clk := &clock{time.Date(2027, 1, 4, 12, 0, 0, 0, time.UTC)}
	ctx := context.Background()
	on := newResolver(dir, true, clk)
	for _, in := range [][]byte{c.Document, []byte(c.JWT)} {
		rep := on.Verify(ctx, in)
		if rep.State != verify.StateActive || len(rep.Warnings) != 0 {
			t.Fatalf("online: %s %+v %v; want active", rep.State, rep.Checks, rep.Warnings)
		}
		if rep.Issuer != s.did || rep.Certification != "AWS Certified AI Practitioner" || rep.Holder != "Ada Lovelace" {
			t.Fatalf("online: issuer %q certification %q holder %q", rep.Issuer, rep.Certification, rep.Holder)
		}
	}
	if n := s.count("/.well-known/did.json"); n != 1 {
		t.Errorf("the DID document was fetched %d times in one run; want once", n)
	}
	if n := s.count("/status/revocation"); n != 1 {
		t.Errorf("the revocation list was fetched %d times in one run; want once", n)
	}
	e, err := resolve.Cache{Dir: dir}.Get(resolve.KindStatusList, s.listURL(statuslist.PurposeRevocation))
	if err != nil || e.Issuer != s.did || e.TTL() != listTTL || !e.FetchedAt.Equal(clk.t) {
		t.Fatalf("the cached list: %+v, %v; want fetched now, ttl %s, of %s", e, err, listTTL, s.did)
	}

	s.setBits(statuslist.PurposeRevocation, 4242)
	s.srv.Close()
	clk.t = clk.t.Add(time.Minute)
	for _, in := range [][]byte{c.Document, []byte(c.JWT)} {
		if rep := newResolver(dir, false, clk).Verify(ctx, in); rep.State != verify.StateActive || len(rep.Warnings) != 0 {
			t.Fatalf("offline within the ttl: %s %+v %v; want active, no warning", rep.State, rep.Checks, rep.Warnings)
		}
	}
	clk.t = clk.t.Add(2 * time.Hour)
	rep := newResolver(dir, false, clk).Verify(ctx, []byte(c.JWT))
	if rep.State != verify.StateActive || len(rep.Warnings) != 2 || !strings.Contains(rep.Warnings[0], "past its ttl of 5m0s") ||
		!strings.Contains(rep.Warnings[0], "fetched 2h1m0s ago") || !strings.Contains(rep.Warnings[0], "run with --fetch") {
		t.Fatalf("offline past the ttl: %s %v; want active with a warning per list saying how old it is", rep.State, rep.Warnings)
	}
}

// TestRevokedAfterFetch: a revocation shows once the list is fetched
// again, and the cache then holds the new list.
func TestRevokedAfterFetch(t *testing.T) {
	s := newIssuerServer(t)
	c := s.issue(t, 77)
	dir := t.TempDir()
	clk := &clock{time.Date(2027, 1, 4, 12, 0, 0, 0, time.UTC)}
	ctx := context.Background()
	if rep := newResolver(dir, true, clk).Verify(ctx, c.Document); rep.State != verify.StateActive {
		t.Fatalf("before: %s %+v", rep.State, rep.Checks)
	}
	s.setBits(statuslist.PurposeRevocation, 77)
	if rep := newResolver(dir, false, clk).Verify(ctx, c.Document); rep.State != verify.StateActive {
		t.Fatalf("offline on the old cache: %s; want active still", rep.State)
	}
	if rep := newResolver(dir, true, clk).Verify(ctx, c.Document); rep.State != verify.StateRevoked {
		t.Fatalf("fetched again: %s %+v; want revoked", rep.State, rep.Checks)
	}
	if rep := newResolver(dir, false, clk).Verify(ctx, []byte(c.JWT)); rep.State != verify.StateRevoked {
		t.Fatalf("offline on the new cache: %s; want revoked", rep.State)
	}
	s.setBits(statuslist.PurposeRevocation)
	s.setBits(statuslist.PurposeSuspension, 77)
	if rep := newResolver(dir, true, clk).Verify(ctx, []byte(c.JWT)); rep.State != verify.StateSuspended {
		t.Fatalf("suspended: %s; want suspended", rep.State)
	}
}

// TestUnknownIssuer: offline with nothing cached, the issuer check fails
// naming the DID document missing and what to do; nothing is fetched.
func TestUnknownIssuer(t *testing.T) {
	s := newIssuerServer(t)
	c := s.issue(t, 1)
	dir := t.TempDir()
	for _, in := range [][]byte{c.Document, []byte(c.JWT)} {
		rep := newResolver(dir, false, &clock{grant.AddDate(0, 1, 0)}).Verify(context.Background(), in)
		f := failed(rep.Result)
		if rep.State != verify.StateInvalid || f.Name != verify.CheckIssuer || !strings.Contains(f.Detail, s.did) || !strings.Contains(f.Detail, "run with --fetch") {
			t.Fatalf("unknown issuer: %s %+v; want the issuer check failing, naming %s and --fetch", rep.State, rep.Checks, s.did)
		}
	}
	if n := s.count("/.well-known/did.json"); n != 0 {
		t.Errorf("offline, the DID document was fetched %d times", n)
	}
	// Trusted, the issuer's lists are still missing: the status check says so.
	r := newResolver(dir, false, &clock{grant.AddDate(0, 1, 0)})
	if err := r.Trust(context.Background(), s.did); err != nil {
		t.Fatal(err)
	}
	rep := r.Verify(context.Background(), c.Document)
	if f := failed(rep.Result); f.Name != verify.CheckStatus || !strings.Contains(f.Detail, s.listURL("revocation")) || !strings.Contains(f.Detail, "not in the cache") {
		t.Fatalf("trusted, lists not cached: %s %+v; want the status check naming the list", rep.State, rep.Checks)
	}
}

// TestBadListNeverCached: a list whose bits were changed after signing
// fails its proof; the credential is invalid on its status check, and the
// list is not cached, so an offline run does not use it either.
func TestBadListNeverCached(t *testing.T) {
	s := newIssuerServer(t)
	c := s.issue(t, 9)
	good, err := s.issuer.SignStatusList(credentialList(s, statuslist.PurposeRevocation, 9), grant, listTTL)
	if err != nil {
		t.Fatal(err)
	}
	clean, _ := s.issuer.SignStatusList(credentialList(s, statuslist.PurposeRevocation), grant, listTTL)
	forged := strings.Replace(string(good), encodedList(t, good), encodedList(t, clean), 1)
	s.serveFixed("/status/revocation", []byte(forged))
	dir := t.TempDir()
	rep := newResolver(dir, true, &clock{grant.AddDate(0, 1, 0)}).Verify(context.Background(), []byte(c.JWT))
	if f := failed(rep.Result); rep.State != verify.StateInvalid || f.Name != verify.CheckStatus || !strings.Contains(f.Detail, "status list") {
		t.Fatalf("a forged list: %s %+v; want invalid on the status check", rep.State, rep.Checks)
	}
	if _, err := (resolve.Cache{Dir: dir}).Get(resolve.KindStatusList, s.listURL("revocation")); !errors.Is(err, resolve.ErrNotCached) {
		t.Fatalf("the forged list was cached: %v", err)
	}
	// A list of another issuer, served at this issuer's URL.
	other := newIssuerServer(t)
	theirs, _ := other.issuer.SignStatusList(credentialList(s, statuslist.PurposeRevocation), grant, listTTL)
	s.serveFixed("/status/revocation", theirs)
	rep = newResolver(dir, true, &clock{grant.AddDate(0, 1, 0)}).Verify(context.Background(), []byte(c.JWT))
	if rep.State != verify.StateInvalid || failed(rep.Result).Name != verify.CheckStatus {
		t.Fatalf("another issuer's list: %s %+v; want invalid", rep.State, rep.Checks)
	}
	if _, err := (resolve.Cache{Dir: dir}).Get(resolve.KindStatusList, s.listURL("revocation")); !errors.Is(err, resolve.ErrNotCached) {
		t.Fatalf("another issuer's list was cached: %v", err)
	}
}

// TestSignedByAnotherIssuer: a credential naming one trusted issuer but
// signed with a key of another trusted issuer is refused.
func TestSignedByAnotherIssuer(t *testing.T) {
	a, b := newIssuerServer(t), newIssuerServer(t)
	c := a.issue(t, 3)
	var doc map[string]any
	if err := json.Unmarshal(c.Document, &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "proof")
	body, _ := json.Marshal(doc)
	forged, err := vcjwt.Sign(body, b.issuer.Key.Private, b.issuer.VerificationMethod())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	r := newResolver(dir, true, &clock{grant.AddDate(0, 1, 0)})
	if err := r.Trust(context.Background(), a.did); err != nil {
		t.Fatal(err)
	}
	rep := r.Verify(context.Background(), []byte(forged))
	if f := failed(rep.Result); rep.State != verify.StateInvalid || f.Name != verify.CheckSignature || !strings.Contains(f.Detail, "not of the issuer") {
		t.Fatalf("signed by another issuer's key: %s %+v; want invalid on the signature", rep.State, rep.Checks)
	}
}

// TestListFromTheNearFuture: a list the publisher signed a moment "after"
// this machine's clock (its second, or a clock a little ahead) is taken;
// one an hour ahead is not.
func TestListFromTheNearFuture(t *testing.T) {
	s := newIssuerServer(t)
	c := s.issue(t, 5)
	clk := &clock{time.Date(2027, 1, 4, 12, 0, 0, 0, time.UTC)}
	s.setFrom(clk.t.Add(30 * time.Second))
	dir := t.TempDir()
	if rep := newResolver(dir, true, clk).Verify(context.Background(), []byte(c.JWT)); rep.State != verify.StateActive {
		t.Fatalf("a list 30 s ahead: %s %+v; want active", rep.State, rep.Checks)
	}
	if rep := newResolver(dir, false, clk).Verify(context.Background(), []byte(c.JWT)); rep.State != verify.StateActive {
		t.Fatalf("a list 30 s ahead, from the cache: %s %+v; want active", rep.State, rep.Checks)
	}
	s.setFrom(clk.t.Add(time.Hour))
	rep := newResolver(t.TempDir(), true, clk).Verify(context.Background(), []byte(c.JWT))
	if f := failed(rep.Result); rep.State != verify.StateInvalid || !strings.Contains(f.Detail, "not valid before") {
		t.Fatalf("a list an hour ahead: %s %+v; want invalid", rep.State, rep.Checks)
	}
}
