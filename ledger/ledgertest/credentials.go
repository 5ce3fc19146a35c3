package ledgertest

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/recert/recert/ledger"
)

// credential is an issued credential of cand for cert with the given
// status list indexes; its Document holds bytes a text column would
// mangle.
func credential(id, cand, cert string, rev, susp int) ledger.IssuedCredential {
	return ledger.IssuedCredential{
		ID: id, Candidate: cand, Certification: cert, IssuedAt: at(4, 9), AwardedDate: at(1, 9), ValidFrom: at(4, 0),
		ValidUntil: at(4, 0).AddDate(3, 0, 0), RevocationIndex: rev, SuspensionIndex: susp,
		Document: []byte("{\"id\": \"urn:uuid:" + id + "\",\n \"proof\": {}}\x00\xff"), JWT: "eyJhbGciOiJFZERTQSJ9." + id + ".c2ln",
		Status: ledger.CredentialActive, Rev: 9,
	}
}

func getCredential(t *testing.T, s ledger.Store, id string) (ledger.IssuedCredential, error) {
	t.Helper()
	var c ledger.IssuedCredential
	err := s.View(t.Context(), func(tx ledger.Tx) (err error) {
		c, err = tx.Credential(t.Context(), id)
		return err
	})
	return c, err
}

func testCredentials(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	c := credential("vc1", "c1", "aws-saa", 70001, 12)
	update(t, s, func(tx ledger.Tx) error { return tx.CreateCredential(ctx, c) })
	c.Rev = 1
	got, err := getCredential(t, s, "vc1")
	if err != nil {
		t.Fatalf("Credential: %v", err)
	}
	same(t, "Credential after CreateCredential", c, got)
	if string(got.Document) != string(c.Document) {
		t.Errorf("Document = %q, want %q byte for byte", got.Document, c.Document)
	}
	inUTC(t, "Credential's times", got.IssuedAt, got.AwardedDate, got.ValidFrom, got.ValidUntil)
	if !got.ChangedAt.IsZero() {
		t.Errorf("ChangedAt of a credential never changed = %v, want zero", got.ChangedAt)
	}
	_, err = getCredential(t, s, "nope")
	wantErr(t, "Credential of an unknown id", err, ledger.ErrNotFound)

	// A renewal: no expiry, superseding vc1.
	renewal := credential("vc2", "c1", "aws-saa", 3, 131071)
	renewal.ValidUntil, renewal.Supersedes = time.Time{}, "vc1"
	update(t, s, func(tx ledger.Tx) error { return tx.CreateCredential(ctx, renewal) })
	renewal.Rev = 1
	if got, err = getCredential(t, s, "vc2"); err != nil {
		t.Fatalf("Credential vc2: %v", err)
	}
	same(t, "a credential without expiry", renewal, got)
	if !got.ValidUntil.IsZero() {
		t.Errorf("ValidUntil of a credential without expiry = %v, want zero", got.ValidUntil)
	}

	// An index is allocated once, in each list; the id too.
	for what, dup := range map[string]ledger.IssuedCredential{
		"a taken id":               credential("vc1", "c2", "x", 500, 500),
		"a taken revocation index": credential("vc3", "c2", "x", 70001, 501),
		"a taken suspension index": credential("vc3", "c2", "x", 502, 131071),
	} {
		err := s.Update(ctx, func(tx ledger.Tx) error { return tx.CreateCredential(ctx, dup) })
		wantErr(t, "CreateCredential of "+what, err, ledger.ErrExists)
	}
	// The lists are separate: an index taken in one is free in the other.
	update(t, s, func(tx ledger.Tx) error { return tx.CreateCredential(ctx, credential("vc3", "c2", "x", 12, 70001)) })
	view(t, s, func(tx ledger.Tx) error {
		for _, tc := range []struct {
			purpose string
			index   int
			want    bool
		}{
			{ledger.PurposeRevocation, 70001, true}, {ledger.PurposeRevocation, 3, true}, {ledger.PurposeRevocation, 12, true},
			{ledger.PurposeRevocation, 131071, false}, {ledger.PurposeRevocation, 0, false},
			{ledger.PurposeSuspension, 12, true}, {ledger.PurposeSuspension, 131071, true}, {ledger.PurposeSuspension, 70001, true},
			{ledger.PurposeSuspension, 3, false}, {ledger.PurposeSuspension, 500, false},
		} {
			taken, err := tx.StatusIndexTaken(ctx, tc.purpose, tc.index)
			if err != nil {
				return err
			}
			if taken != tc.want {
				t.Errorf("StatusIndexTaken(%s, %d) = %v, want %v", tc.purpose, tc.index, taken, tc.want)
			}
		}
		if _, err := tx.StatusIndexTaken(ctx, "refresh", 3); err == nil {
			t.Error("StatusIndexTaken of an unknown list succeeded")
		}
		return nil
	})
	bad := credential("vc4", "c2", "x", 600, 600)
	bad.Status = "expired"
	err = s.Update(ctx, func(tx ledger.Tx) error { return tx.CreateCredential(ctx, bad) })
	if err == nil {
		t.Error("CreateCredential with an unknown status succeeded")
	}
	bad = credential("vc4", "c2", "x", -1, 600)
	if err := s.Update(ctx, func(tx ledger.Tx) error { return tx.CreateCredential(ctx, bad) }); err == nil {
		t.Error("CreateCredential with a negative index succeeded")
	}
	if _, err := getCredential(t, s, "vc4"); !errors.Is(err, ledger.ErrNotFound) {
		t.Errorf("a refused credential was stored: %v", err)
	}
}

func testSetCredentialStatus(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	c := credential("vc1", "c1", "aws-saa", 40, 41)
	update(t, s, func(tx ledger.Tx) error { return tx.CreateCredential(ctx, c) })
	c.Rev = 1

	// Only Status, Reason and ChangedAt change, and Rev goes up by one.
	upd := credential("vc1", "c2", "other", 7, 8)
	upd.Document, upd.JWT, upd.Supersedes = []byte("{}"), "x.y.z", "vc0"
	upd.Status, upd.Reason, upd.ChangedAt, upd.Rev = ledger.CredentialSuspended, "under investigation", at(6, 11), 1
	var after ledger.IssuedCredential
	update(t, s, func(tx ledger.Tx) (err error) { after, err = tx.SetCredentialStatus(ctx, upd); return err })
	want := c
	want.Status, want.Reason, want.ChangedAt, want.Rev = upd.Status, upd.Reason, upd.ChangedAt, 2
	same(t, "SetCredentialStatus's result", want, after)
	got, err := getCredential(t, s, "vc1")
	if err != nil {
		t.Fatalf("Credential after SetCredentialStatus: %v", err)
	}
	same(t, "Credential after SetCredentialStatus", want, got)
	inUTC(t, "Credential's ChangedAt", got.ChangedAt)

	// Compare-and-set: the Rev read before the change is stale now.
	err = s.Update(ctx, func(tx ledger.Tx) error { _, err := tx.SetCredentialStatus(ctx, upd); return err })
	wantErr(t, "SetCredentialStatus at a stale Rev", err, ledger.ErrConflict)
	if got, _ := getCredential(t, s, "vc1"); got.Rev != 2 {
		t.Errorf("Rev after a stale SetCredentialStatus = %d, want 2", got.Rev)
	}
	missing := upd
	missing.ID = "nope"
	err = s.Update(ctx, func(tx ledger.Tx) error { _, err := tx.SetCredentialStatus(ctx, missing); return err })
	wantErr(t, "SetCredentialStatus of an unknown id", err, ledger.ErrNotFound)
	wrong := want
	wrong.Status = "lapsed"
	if err := s.Update(ctx, func(tx ledger.Tx) error { _, err := tx.SetCredentialStatus(ctx, wrong); return err }); err == nil {
		t.Error("SetCredentialStatus to an unknown status succeeded")
	}
}

func testListCredentials(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	all := []ledger.IssuedCredential{
		credential("vc1", "c1", "aws-saa", 1, 101), credential("vc2", "c2", "aws-saa", 2, 102),
		credential("vc3", "c1", "aws-clf", 3, 103), credential("vc4", "c1", "aws-saa", 4, 104),
		credential("vc5", "c2", "aws-clf", 5, 105),
	}
	update(t, s, func(tx ledger.Tx) error {
		for _, i := range []int{3, 0, 4, 2, 1} {
			if err := tx.CreateCredential(ctx, all[i]); err != nil {
				return err
			}
		}
		return nil
	})
	list := func(f ledger.CredentialFilter, p ledger.Page) (ids []string) {
		t.Helper()
		view(t, s, func(tx ledger.Tx) error {
			cs, err := tx.ListCredentials(ctx, f, p)
			for _, c := range cs {
				ids = append(ids, c.ID)
			}
			return err
		})
		return ids
	}
	for _, tc := range []struct {
		f    ledger.CredentialFilter
		p    ledger.Page
		want []string
	}{
		{ledger.CredentialFilter{}, ledger.Page{}, []string{"vc1", "vc2", "vc3", "vc4", "vc5"}},
		{ledger.CredentialFilter{Candidate: "c1"}, ledger.Page{}, []string{"vc1", "vc3", "vc4"}},
		{ledger.CredentialFilter{Certification: "aws-clf"}, ledger.Page{}, []string{"vc3", "vc5"}},
		{ledger.CredentialFilter{Candidate: "c1", Certification: "aws-saa"}, ledger.Page{}, []string{"vc1", "vc4"}},
		{ledger.CredentialFilter{Candidate: "c1"}, ledger.Page{After: "vc1", Limit: 1}, []string{"vc3"}},
		{ledger.CredentialFilter{Certification: "aws-saa"}, ledger.Page{After: "vc2", Limit: 5}, []string{"vc4"}},
		{ledger.CredentialFilter{Candidate: "c2", Certification: "aws-clf"}, ledger.Page{After: "vc5"}, nil},
		{ledger.CredentialFilter{}, ledger.Page{After: "vc2", Limit: 2}, []string{"vc3", "vc4"}},
		{ledger.CredentialFilter{Candidate: "nobody"}, ledger.Page{}, nil},
	} {
		if got := list(tc.f, tc.p); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("ListCredentials(%+v, %+v) = %q, want %q", tc.f, tc.p, got, tc.want)
		}
	}
	var cs []ledger.IssuedCredential
	view(t, s, func(tx ledger.Tx) (err error) {
		cs, err = tx.ListCredentials(ctx, ledger.CredentialFilter{}, ledger.Page{})
		return err
	})
	for i := range all {
		all[i].Rev = 1
	}
	same(t, "ListCredentials rows", all, cs)
}

// testStatusBits: a list's bits are the indexes of the credentials with its
// status, and follow every change of status, back to active included.
func testStatusBits(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	bits := func() (revoked, suspended []int) {
		t.Helper()
		view(t, s, func(tx ledger.Tx) (err error) {
			if revoked, err = tx.StatusBits(ctx, ledger.PurposeRevocation); err != nil {
				return err
			}
			suspended, err = tx.StatusBits(ctx, ledger.PurposeSuspension)
			return err
		})
		return revoked, suspended
	}
	check := func(when string, wantRevoked, wantSuspended []int) {
		t.Helper()
		r, sus := bits()
		if fmt.Sprint(r) != fmt.Sprint(wantRevoked) || fmt.Sprint(sus) != fmt.Sprint(wantSuspended) {
			t.Errorf("%s: revocation bits %v, suspension bits %v; want %v and %v", when, r, sus, wantRevoked, wantSuspended)
		}
	}
	set := func(id, status string) {
		t.Helper()
		update(t, s, func(tx ledger.Tx) error {
			c, err := tx.Credential(ctx, id)
			if err != nil {
				return err
			}
			c.Status, c.Reason, c.ChangedAt = status, "because", at(8, 8)
			_, err = tx.SetCredentialStatus(ctx, c)
			return err
		})
	}
	check("an empty store", nil, nil)
	revoked := credential("vc0", "c1", "aws-saa", 9000, 5)
	revoked.Status, revoked.Reason = ledger.CredentialRevoked, "issued in error"
	update(t, s, func(tx ledger.Tx) error {
		for _, c := range []ledger.IssuedCredential{
			credential("vc1", "c1", "aws-saa", 131071, 17), credential("vc2", "c2", "aws-saa", 0, 131071),
			credential("vc3", "c3", "aws-saa", 42, 0), revoked,
		} {
			if err := tx.CreateCredential(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	check("a credential created revoked", []int{9000}, nil)
	set("vc1", ledger.CredentialRevoked)
	set("vc2", ledger.CredentialRevoked)
	set("vc3", ledger.CredentialSuspended)
	check("after revoking vc1 and vc2 and suspending vc3", []int{0, 9000, 131071}, []int{0})
	set("vc2", ledger.CredentialSuspended)
	set("vc3", ledger.CredentialActive)
	check("after suspending vc2 and reinstating vc3", []int{9000, 131071}, []int{131071})
	view(t, s, func(tx ledger.Tx) error {
		if _, err := tx.StatusBits(ctx, "refresh"); err == nil {
			t.Error("StatusBits of an unknown list succeeded")
		}
		return nil
	})
}

// testConcurrentStatusIndex: two issuers create credentials with the same
// revocation index in two transactions at once; exactly one wins, and the
// loser, told ErrExists, can go on in its own transaction (draw another
// index) and commit. With Options.ParallelUpdates both transactions have
// seen the index free before either inserts, so the insert itself must
// settle the race.
func testConcurrentStatusIndex(t *testing.T, s ledger.Store, o Options) {
	ctx := t.Context()
	const issuers = 2
	const index = 777
	var arrived atomic.Int32
	barrier := make(chan struct{})
	wins := make([]bool, issuers)
	errs := make([]error, issuers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range issuers {
		wg.Go(func() {
			<-start
			errs[i] = s.Update(ctx, func(tx ledger.Tx) error {
				wins[i] = false
				c := credential(fmt.Sprintf("vc%d", i), "c1", "aws-saa", index, 100+i)
				if o.ParallelUpdates {
					taken, err := tx.StatusIndexTaken(ctx, ledger.PurposeRevocation, index)
					if err != nil || taken {
						return fmt.Errorf("before the race: StatusIndexTaken = %v, %v; want false", taken, err)
					}
					if arrived.Add(1) == issuers {
						close(barrier)
					}
					select {
					case <-barrier:
					case <-ctx.Done():
						return ctx.Err()
					}
				}
				err := tx.CreateCredential(ctx, c)
				if err == nil {
					wins[i] = true
					return nil
				}
				if !errors.Is(err, ledger.ErrExists) {
					return fmt.Errorf("CreateCredential: %w", err)
				}
				c.RevocationIndex = index + 1 + i
				if err := tx.CreateCredential(ctx, c); err != nil {
					return fmt.Errorf("after losing the index, with another: %w", err)
				}
				return nil
			})
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i := range issuers {
		if errs[i] != nil {
			t.Fatalf("issuer %d: %v", i, errs[i])
		}
		if wins[i] && winner >= 0 {
			t.Fatalf("issuers %d and %d both took revocation index %d", winner, i, index)
		}
		if wins[i] {
			winner = i
		}
	}
	if winner < 0 {
		t.Fatalf("no issuer took revocation index %d", index)
	}
	var cs []ledger.IssuedCredential
	view(t, s, func(tx ledger.Tx) (err error) {
		cs, err = tx.ListCredentials(ctx, ledger.CredentialFilter{}, ledger.Page{})
		return err
	})
	holders := 0
	for _, c := range cs {
		if c.RevocationIndex == index {
			holders++
			if c.ID != fmt.Sprintf("vc%d", winner) {
				t.Errorf("revocation index %d is held by %s, want the winner vc%d", index, c.ID, winner)
			}
		}
	}
	if len(cs) != issuers || holders != 1 {
		t.Errorf("credentials after the race: %d, %d holding index %d; want %d and 1", len(cs), holders, index, issuers)
	}
}

// testCredentialsReadOnly: the issue-8 writes fail inside View and leave
// nothing behind.
func testCredentialsReadOnly(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	update(t, s, func(tx ledger.Tx) error {
		if err := tx.PutSigningKey(ctx, signingKey("k1", "EdDSA", 1)); err != nil {
			return err
		}
		return tx.CreateCredential(ctx, credential("vc1", "c1", "aws-saa", 1, 1))
	})
	for name, write := range map[string]func(ledger.Tx) error{
		"PutSigningKey":      func(tx ledger.Tx) error { return tx.PutSigningKey(ctx, signingKey("k2", "EdDSA", 2)) },
		"ActivateSigningKey": func(tx ledger.Tx) error { return tx.ActivateSigningKey(ctx, "k1") },
		"CreateCredential":   func(tx ledger.Tx) error { return tx.CreateCredential(ctx, credential("vc2", "c1", "aws-saa", 2, 2)) },
		"SetCredentialStatus": func(tx ledger.Tx) error {
			c := credential("vc1", "c1", "aws-saa", 1, 1)
			c.Status, c.Rev = ledger.CredentialRevoked, 1
			_, err := tx.SetCredentialStatus(ctx, c)
			return err
		},
	} {
		if err := s.View(ctx, write); err == nil {
			t.Errorf("%s inside View succeeded", name)
		}
	}
	if ks := signingKeys(t, s); len(ks) != 1 || ks[0].Active {
		t.Errorf("signing keys after writes inside View: %+v; want k1 alone, inactive", ks)
	}
	if _, err := getCredential(t, s, "vc2"); !errors.Is(err, ledger.ErrNotFound) {
		t.Errorf("a credential created inside View: %v", err)
	}
	if c, err := getCredential(t, s, "vc1"); err != nil || c.Status != ledger.CredentialActive || c.Rev != 1 {
		t.Errorf("vc1 after SetCredentialStatus inside View: %s rev %d (%v); want active at rev 1", c.Status, c.Rev, err)
	}
}
