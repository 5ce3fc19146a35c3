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

func testStaffUsers(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	ann := ledger.StaffUser{ID: "stf_ann", Email: "ann@example.org", Name: "Ann", Role: "admin", CreatedAt: at(2, 9)}
	bob := ledger.StaffUser{ID: "stf_bob", Email: "bob@example.org", Name: "", Role: "staff", CreatedAt: at(3, 9)}
	update(t, s, func(tx ledger.Tx) error {
		if err := tx.CreateStaffUser(ctx, bob); err != nil {
			return err
		}
		return tx.CreateStaffUser(ctx, ann)
	})
	err := s.Update(ctx, func(tx ledger.Tx) error {
		return tx.CreateStaffUser(ctx, ledger.StaffUser{ID: "stf_other", Email: "ann@example.org", Role: "staff", CreatedAt: at(4, 9)})
	})
	wantErr(t, "CreateStaffUser with a taken e-mail", err, ledger.ErrExists)
	err = s.Update(ctx, func(tx ledger.Tx) error {
		return tx.CreateStaffUser(ctx, ledger.StaffUser{ID: "stf_ann", Email: "new@example.org", Role: "staff", CreatedAt: at(4, 9)})
	})
	wantErr(t, "CreateStaffUser with a taken id", err, ledger.ErrExists)
	view(t, s, func(tx ledger.Tx) error {
		got, err := tx.StaffUserByEmail(ctx, "ann@example.org")
		if err != nil {
			return err
		}
		same(t, "StaffUserByEmail", ann, got)
		inUTC(t, "StaffUser.CreatedAt", got.CreatedAt)
		got, err = tx.StaffUser(ctx, "stf_bob")
		if err != nil {
			return err
		}
		same(t, "StaffUser", bob, got)
		all, err := tx.ListStaffUsers(ctx)
		if err != nil {
			return err
		}
		same(t, "ListStaffUsers, by e-mail", []ledger.StaffUser{ann, bob}, all)
		_, err = tx.StaffUserByEmail(ctx, "nobody@example.org")
		wantErr(t, "StaffUserByEmail of an unknown address", err, ledger.ErrNotFound)
		return nil
	})
	update(t, s, func(tx ledger.Tx) error { return tx.DeleteStaffUser(ctx, "stf_ann") })
	err = s.Update(ctx, func(tx ledger.Tx) error { return tx.DeleteStaffUser(ctx, "stf_ann") })
	wantErr(t, "DeleteStaffUser twice", err, ledger.ErrNotFound)
}

func testCandidatesByEmail(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	update(t, s, func(tx ledger.Tx) error {
		for _, c := range []ledger.Candidate{
			{ID: "c-2", Name: "Two", Email: "Pat@Example.org", TimeZone: "UTC", Program: "aws", CreatedAt: at(1, 1)},
			{ID: "c-1", Name: "One", Email: "pat@example.org", TimeZone: "UTC", Program: "aws", CreatedAt: at(1, 2)},
			{ID: "c-3", Name: "Three", Email: "other@example.org", TimeZone: "UTC", Program: "aws", CreatedAt: at(1, 3)},
		} {
			if err := tx.CreateCandidate(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx ledger.Tx) error {
		got, err := tx.CandidatesByEmail(ctx, "PAT@example.ORG", 10)
		if err != nil {
			return err
		}
		if len(got) != 2 || got[0].ID != "c-1" || got[1].ID != "c-2" || got[1].Email != "Pat@Example.org" {
			t.Errorf("CandidatesByEmail ignoring case: %+v, want c-1 and c-2 as stored", got)
		}
		got, err = tx.CandidatesByEmail(ctx, "pat@example.org", 1)
		if err != nil {
			return err
		}
		if len(got) != 1 {
			t.Errorf("CandidatesByEmail with limit 1: %d rows", len(got))
		}
		got, err = tx.CandidatesByEmail(ctx, "nobody@example.org", 10)
		if err != nil || len(got) != 0 {
			t.Errorf("CandidatesByEmail of an unknown address: %v, %v", got, err)
		}
		return nil
	})
}

func signInLink(id, request string, day int) ledger.SignInLink {
	return ledger.SignInLink{ID: id, Request: request, EmailHash: []byte("h\x00\xffpat"), Email: "pat@example.org", Name: "Pat",
		Role: "candidate", Subject: "c-1", Owner: "c-1", Next: "/me?x=1", Base: "https://recert.example.org",
		CreatedAt: at(day, 10), ExpiresAt: at(day, 10).Add(15 * time.Minute)}
}

func testSignInLinks(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	a, b, c := signInLink("sil_a", "req_1", 5), signInLink("sil_b", "req_1", 5), signInLink("sil_c", "req_2", 6)
	unknown := ledger.SignInLink{ID: "sil_u", Request: "req_3", EmailHash: []byte("other"), CreatedAt: at(6, 11), ExpiresAt: at(6, 11)}
	update(t, s, func(tx ledger.Tx) error {
		for _, l := range []ledger.SignInLink{a, b, c, unknown} {
			if err := tx.CreateSignInLink(ctx, l); err != nil {
				return err
			}
		}
		return nil
	})
	err := s.Update(ctx, func(tx ledger.Tx) error { return tx.CreateSignInLink(ctx, a) })
	wantErr(t, "CreateSignInLink of a taken id", err, ledger.ErrExists)
	update(t, s, func(tx ledger.Tx) error { return tx.SetSignInLinkHash(ctx, "sil_a", []byte("secret-hash\x00")) })
	a.Hash = []byte("secret-hash\x00")
	view(t, s, func(tx ledger.Tx) error {
		got, err := tx.SignInLinkByHash(ctx, a.Hash)
		if err != nil {
			return err
		}
		same(t, "SignInLinkByHash", a, got)
		inUTC(t, "SignInLink times", got.CreatedAt, got.ExpiresAt)
		if !got.UsedAt.IsZero() {
			t.Errorf("a new link has UsedAt %v", got.UsedAt)
		}
		got, err = tx.SignInLink(ctx, "sil_b")
		if err != nil {
			return err
		}
		same(t, "SignInLink without a hash", b, got)
		n, err := tx.SignInRequests(ctx, a.EmailHash, at(5, 0))
		if err != nil {
			return err
		}
		if n != 2 {
			t.Errorf("SignInRequests since day 5: %d, want 2 (two links of one request count once)", n)
		}
		n, err = tx.SignInRequests(ctx, a.EmailHash, at(5, 10))
		if err != nil {
			return err
		}
		if n != 1 {
			t.Errorf("SignInRequests after the first: %d, want 1 (since is exclusive)", n)
		}
		return nil
	})
	use := func(id string, when time.Time) error {
		return s.Update(ctx, func(tx ledger.Tx) error { return tx.UseSignInLink(ctx, id, when) })
	}
	if err := use("sil_a", a.CreatedAt.Add(time.Minute)); err != nil {
		t.Fatalf("first use: %v", err)
	}
	wantErr(t, "a second use", use("sil_a", a.CreatedAt.Add(2*time.Minute)), ledger.ErrConflict)
	wantErr(t, "a use at the expiry", use("sil_b", b.ExpiresAt), ledger.ErrConflict)
	wantErr(t, "a use of an unknown link", use("sil_nope", b.CreatedAt), ledger.ErrConflict)
	view(t, s, func(tx ledger.Tx) error {
		got, err := tx.SignInLink(ctx, "sil_a")
		if err != nil {
			return err
		}
		same(t, "UsedAt", a.CreatedAt.Add(time.Minute), got.UsedAt)
		got, err = tx.SignInLink(ctx, "sil_b")
		if err != nil || !got.UsedAt.IsZero() {
			t.Errorf("a refused use changed the link: %v %v", got.UsedAt, err)
		}
		return nil
	})
	n := 0
	update(t, s, func(tx ledger.Tx) (err error) {
		n, err = tx.PurgeSignIns(ctx, at(7, 0), at(1, 0), at(6, 0))
		return err
	})
	if n != 2 {
		t.Errorf("PurgeSignIns deleted %d, want the 2 links of day 5", n)
	}
}

func session(id, owner string, day int) ledger.Session {
	return ledger.Session{ID: id, Hash: []byte("hash\x00" + id), Owner: owner, Role: "candidate", Subject: owner, UserAgent: "Firefox on Linux",
		CreatedAt: at(day, 8), LastSeen: at(day, 9), ExpiresAt: at(day+20, 8)}
}

func testSessions(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	s1, s2, s3 := session("ses_1", "c-1", 2), session("ses_2", "c-1", 4), session("ses_3", "tok_x", 3)
	update(t, s, func(tx ledger.Tx) error {
		for _, x := range []ledger.Session{s1, s2, s3} {
			if err := tx.CreateSession(ctx, x); err != nil {
				return err
			}
		}
		return nil
	})
	dup := session("ses_9", "c-1", 2)
	dup.Hash = s1.Hash
	err := s.Update(ctx, func(tx ledger.Tx) error { return tx.CreateSession(ctx, dup) })
	wantErr(t, "CreateSession with a taken hash", err, ledger.ErrExists)
	update(t, s, func(tx ledger.Tx) error { return tx.TouchSession(ctx, "ses_1", at(5, 1)) })
	s1.LastSeen = at(5, 1)
	view(t, s, func(tx ledger.Tx) error {
		got, err := tx.SessionByHash(ctx, s1.Hash)
		if err != nil {
			return err
		}
		same(t, "SessionByHash after TouchSession", s1, got)
		inUTC(t, "Session times", got.CreatedAt, got.LastSeen, got.ExpiresAt)
		list, err := tx.SessionsOf(ctx, "c-1")
		if err != nil {
			return err
		}
		same(t, "SessionsOf, newest first", []ledger.Session{s2, s1}, list)
		_, err = tx.SessionByHash(ctx, []byte("nope"))
		wantErr(t, "SessionByHash of an unknown hash", err, ledger.ErrNotFound)
		return nil
	})
	err = s.Update(ctx, func(tx ledger.Tx) error { return tx.TouchSession(ctx, "ses_nope", at(5, 1)) })
	wantErr(t, "TouchSession of an unknown session", err, ledger.ErrNotFound)
	update(t, s, func(tx ledger.Tx) error { return tx.DeleteSession(ctx, "ses_2") })
	err = s.Update(ctx, func(tx ledger.Tx) error { return tx.DeleteSession(ctx, "ses_2") })
	wantErr(t, "DeleteSession twice", err, ledger.ErrNotFound)
	var n int
	update(t, s, func(tx ledger.Tx) (err error) {
		n, err = tx.DeleteSessionsOf(ctx, "tok_x")
		return err
	})
	if n != 1 {
		t.Errorf("DeleteSessionsOf: %d, want 1", n)
	}
	// ses_1 was last seen on day 5: idle before day 6 ends it.
	update(t, s, func(tx ledger.Tx) (err error) {
		n, err = tx.PurgeSignIns(ctx, at(6, 0), at(6, 0), at(1, 0))
		return err
	})
	if n != 1 {
		t.Errorf("PurgeSignIns of an idle session: %d, want 1", n)
	}
	view(t, s, func(tx ledger.Tx) error {
		list, err := tx.SessionsOf(ctx, "c-1")
		if err != nil || len(list) != 0 {
			t.Errorf("sessions left: %v %v", list, err)
		}
		return nil
	})
}

// testConcurrentLinkUse: two transactions that both read the link unused
// (with ParallelUpdates, both read before either writes) use it at once;
// one succeeds and the other gets ErrConflict.
func testConcurrentLinkUse(t *testing.T, s ledger.Store, o Options) {
	ctx := t.Context()
	l := signInLink("sil_race", "req_race", 5)
	update(t, s, func(tx ledger.Tx) error { return tx.CreateSignInLink(ctx, l) })
	const workers = 2
	var arrived atomic.Int32
	barrier := make(chan struct{})
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			errs[i] = s.Update(ctx, func(tx ledger.Tx) error {
				if o.ParallelUpdates {
					got, err := tx.SignInLink(ctx, l.ID)
					if err != nil || !got.UsedAt.IsZero() {
						return fmt.Errorf("before the race: %+v %v", got, err)
					}
					if arrived.Add(1) == workers {
						close(barrier)
					}
					select {
					case <-barrier:
					case <-ctx.Done():
						return ctx.Err()
					}
				}
				return tx.UseSignInLink(ctx, l.ID, l.CreatedAt.Add(time.Minute))
			})
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, ledger.ErrConflict):
			t.Fatalf("a use lost otherwise than by ErrConflict: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d of %d concurrent uses of one link succeeded, want 1", ok, workers)
	}
}
