package ledgertest

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/recert/recert/ledger"
)

func testTokens(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	hash := sha256.Sum256([]byte("secret-1"))
	tok := ledger.Token{ID: "t1", Hash: hash[:], Role: "center", Subject: "x1", Name: "front desk", CreatedAt: at(3, 8)}
	update(t, s, func(tx ledger.Tx) error { return tx.CreateToken(ctx, tok) })

	var got ledger.Token
	view(t, s, func(tx ledger.Tx) (err error) {
		got, err = tx.TokenByHash(ctx, hash[:])
		return err
	})
	same(t, "TokenByHash", tok, got)
	if !bytes.Equal(got.Hash, hash[:]) {
		t.Errorf("token hash = %x, want %x", got.Hash, hash)
	}

	other := sha256.Sum256([]byte("secret-2"))
	err := s.View(ctx, func(tx ledger.Tx) error { _, err := tx.TokenByHash(ctx, other[:]); return err })
	wantErr(t, "TokenByHash of an unknown hash", err, ledger.ErrNotFound)

	dupID := tok
	dupID.Hash = other[:]
	err = s.Update(ctx, func(tx ledger.Tx) error { return tx.CreateToken(ctx, dupID) })
	wantErr(t, "CreateToken with a taken id", err, ledger.ErrExists)
	dupHash := tok
	dupHash.ID = "t2"
	err = s.Update(ctx, func(tx ledger.Tx) error { return tx.CreateToken(ctx, dupHash) })
	wantErr(t, "CreateToken with a taken hash", err, ledger.ErrExists)

	// Listing pages in id order; deleting revokes.
	for i, id := range []string{"t3", "t0"} {
		h := sha256.Sum256([]byte(id))
		update(t, s, func(tx ledger.Tx) error {
			return tx.CreateToken(ctx, ledger.Token{ID: id, Hash: h[:], Role: "staff", Name: id, CreatedAt: at(4+i, 8)})
		})
	}
	var ids []string
	for after := ""; ; {
		var page []ledger.Token
		view(t, s, func(tx ledger.Tx) (err error) {
			page, err = tx.ListTokens(ctx, ledger.Page{After: after, Limit: 2})
			return err
		})
		if len(page) == 0 {
			break
		}
		for _, k := range page {
			ids = append(ids, k.ID)
		}
		after = page[len(page)-1].ID
	}
	same(t, "ListTokens ids, paged by 2", []string{"t0", "t1", "t3"}, ids)
	update(t, s, func(tx ledger.Tx) error { return tx.DeleteToken(ctx, "t1") })
	err = s.View(ctx, func(tx ledger.Tx) error { _, err := tx.TokenByHash(ctx, hash[:]); return err })
	wantErr(t, "TokenByHash of a deleted token", err, ledger.ErrNotFound)
	err = s.Update(ctx, func(tx ledger.Tx) error { return tx.DeleteToken(ctx, "t1") })
	wantErr(t, "DeleteToken of an unknown token", err, ledger.ErrNotFound)
}

// testTokenExpiry: an expiry is kept to the microsecond, "never" (the
// zero time) comes back as the zero time, and HasToken counts a token
// until the instant it expires, by role.
func testTokenExpiry(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	has := func(role string, when time.Time) bool {
		t.Helper()
		var ok bool
		view(t, s, func(tx ledger.Tx) (err error) {
			ok, err = tx.HasToken(ctx, role, when)
			return err
		})
		return ok
	}
	if has("admin", at(1, 0)) {
		t.Fatal("HasToken on an empty store = true")
	}
	err := s.View(ctx, func(tx ledger.Tx) error { _, err := tx.Token(ctx, "nope"); return err })
	wantErr(t, "Token of an unknown id", err, ledger.ErrNotFound)
	expires := at(10, 12)
	h1, h2 := sha256.Sum256([]byte("expiring")), sha256.Sum256([]byte("forever"))
	expiring := ledger.Token{ID: "te", Hash: h1[:], Role: "admin", Name: "for a week", CreatedAt: at(3, 8), ExpiresAt: expires}
	forever := ledger.Token{ID: "tf", Hash: h2[:], Role: "staff", Name: "desk", CreatedAt: at(3, 9)}
	update(t, s, func(tx ledger.Tx) error {
		if err := tx.CreateToken(ctx, expiring); err != nil {
			return err
		}
		return tx.CreateToken(ctx, forever)
	})
	for _, want := range []ledger.Token{expiring, forever} {
		var got ledger.Token
		view(t, s, func(tx ledger.Tx) (err error) {
			got, err = tx.TokenByHash(ctx, want.Hash)
			return err
		})
		same(t, "TokenByHash of "+want.ID, want, got)
		var byID ledger.Token
		view(t, s, func(tx ledger.Tx) (err error) {
			byID, err = tx.Token(ctx, want.ID)
			return err
		})
		same(t, "Token "+want.ID, want, byID)
		if got.ExpiresAt.IsZero() != want.ExpiresAt.IsZero() {
			t.Errorf("%s: ExpiresAt %v, want %v", want.ID, got.ExpiresAt, want.ExpiresAt)
		}
	}
	var list []ledger.Token
	view(t, s, func(tx ledger.Tx) (err error) {
		list, err = tx.ListTokens(ctx, ledger.Page{Limit: 10})
		return err
	})
	same(t, "ListTokens with expiries", []ledger.Token{expiring, forever}, list)

	for _, c := range []struct {
		role string
		when time.Time
		want bool
	}{
		{"admin", expires.Add(-time.Microsecond), true},
		{"admin", expires, false}, // expired at its instant
		{"admin", expires.Add(time.Hour), false},
		{"staff", at(28, 0).AddDate(50, 0, 0), true}, // never expires
		{"center", at(1, 0), false},
	} {
		if got := has(c.role, c.when); got != c.want {
			t.Errorf("HasToken(%s, %v) = %v, want %v", c.role, c.when, got, c.want)
		}
	}
}

func testIdempotency(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	get := func(principal, key string) (ledger.IdempotentResponse, error) {
		var r ledger.IdempotentResponse
		err := s.View(ctx, func(tx ledger.Tx) (err error) {
			r, err = tx.IdempotentResponse(ctx, principal, key)
			return err
		})
		return r, err
	}
	_, err := get("t1", "k1")
	wantErr(t, "IdempotentResponse of a new key", err, ledger.ErrNotFound)

	reqHash := sha256.Sum256([]byte(`{"exam":"SAA-C03"}`))
	// Not JSON-shaped on purpose: the body is bytes, kept exactly.
	body := []byte("{\"id\":  \"a1\",\n \"z\": 1, \"a\": 2}\n\x00\xff trailing  ")
	r := ledger.IdempotentResponse{Key: "k1", Principal: "t1", RequestHash: reqHash[:], Status: 201, Body: body, CreatedAt: at(4, 15)}
	update(t, s, func(tx ledger.Tx) error { return tx.SaveIdempotentResponse(ctx, r) })

	got, err := get("t1", "k1")
	if err != nil {
		t.Fatalf("IdempotentResponse of a saved key: %v", err)
	}
	if !bytes.Equal(got.Body, body) {
		t.Errorf("saved body = %q, want %q byte for byte", got.Body, body)
	}
	same(t, "IdempotentResponse", r, got)

	_, err = get("t2", "k1")
	wantErr(t, "IdempotentResponse of another principal's key", err, ledger.ErrNotFound)
	again := r
	again.Status, again.Body = 500, []byte("second")
	err = s.Update(ctx, func(tx ledger.Tx) error { return tx.SaveIdempotentResponse(ctx, again) })
	wantErr(t, "SaveIdempotentResponse of a saved key", err, ledger.ErrExists)
	if got, _ := get("t1", "k1"); !bytes.Equal(got.Body, body) || got.Status != 201 {
		t.Errorf("a second save replaced the first response: %d %q", got.Status, got.Body)
	}
}

func testImports(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	pos := func(name string) int64 {
		t.Helper()
		var p int64
		view(t, s, func(tx ledger.Tx) (err error) {
			p, err = tx.ImportPosition(ctx, name)
			return err
		})
		return p
	}
	if p := pos("legacy.csv"); p != 0 {
		t.Errorf("ImportPosition of a new import = %d, want 0", p)
	}
	update(t, s, func(tx ledger.Tx) error { return tx.SetImportPosition(ctx, "legacy.csv", 42) })
	if p := pos("legacy.csv"); p != 42 {
		t.Errorf("ImportPosition = %d, want 42", p)
	}
	update(t, s, func(tx ledger.Tx) error { return tx.SetImportPosition(ctx, "legacy.csv", 1<<40) })
	if p := pos("legacy.csv"); p != 1<<40 {
		t.Errorf("ImportPosition after a second set = %d, want %d", p, int64(1<<40))
	}
	if p := pos("other.csv"); p != 0 {
		t.Errorf("ImportPosition of another import = %d, want 0", p)
	}
}

var errAbort = errors.New("ledgertest: abort")

// testRollback writes to every kind of table in an Update whose fn then
// fails: the caller gets fn's error and nothing is left behind.
func testRollback(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	update(t, s, func(tx ledger.Tx) error { return tx.CreateCenter(ctx, center("x1", 2)) })
	slot := at(10, 9)
	err := s.Update(ctx, func(tx ledger.Tx) error {
		if err := tx.Append(ctx, "c1", 0, []ledger.Event{event("booked", 1)}); err != nil {
			return err
		}
		if err := tx.ReplaceView(ctx, fullView("c1")); err != nil {
			return err
		}
		if err := tx.ReserveSeat(ctx, "x1", slot); err != nil {
			return err
		}
		if err := tx.CreateCandidate(ctx, candidate("c1")); err != nil {
			return err
		}
		if err := tx.SetImportPosition(ctx, "legacy.csv", 7); err != nil {
			return err
		}
		return errAbort
	})
	wantErr(t, "Update whose fn failed", err, errAbort)

	if events, version := stream(t, s, "c1"); version != 0 || len(events) != 0 {
		t.Errorf("rolled-back Append left version %d, %d events", version, len(events))
	}
	same(t, "View after a rolled-back ReplaceView", ledger.View{Candidate: "c1"}, readView(t, s, "c1"))
	if n := taken(t, s, "x1", slot); n != 0 {
		t.Errorf("rolled-back ReserveSeat left %d seats taken", n)
	}
	_, err = getCandidate(t, s, "c1")
	wantErr(t, "Candidate after a rolled-back create", err, ledger.ErrNotFound)
	view(t, s, func(tx ledger.Tx) error {
		p, err := tx.ImportPosition(ctx, "legacy.csv")
		if err == nil && p != 0 {
			t.Errorf("rolled-back SetImportPosition left %d", p)
		}
		return err
	})

	// A store error returned by fn rolls back the writes before it as well.
	update(t, s, func(tx ledger.Tx) error { return tx.ReserveSeat(ctx, "x1", slot) })
	err = s.Update(ctx, func(tx ledger.Tx) error {
		if err := tx.ReplaceView(ctx, fullView("c2")); err != nil {
			return err
		}
		if err := tx.ReserveSeat(ctx, "x1", slot); err != nil {
			return err
		}
		return tx.ReserveSeat(ctx, "x1", slot) // the third seat of two
	})
	wantErr(t, "Update reserving past Seats", err, ledger.ErrFull)
	same(t, "View after an Update that ended in ErrFull", ledger.View{Candidate: "c2"}, readView(t, s, "c2"))
	if n := taken(t, s, "x1", slot); n != 1 {
		t.Errorf("SeatsTaken after an Update that ended in ErrFull = %d, want 1", n)
	}
}

// testReadYourWrites: inside one Update, reads see the writes made before
// them; the app appends and then projects the stream it just extended.
func testReadYourWrites(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	update(t, s, func(tx ledger.Tx) error {
		if err := tx.Append(ctx, "c1", 0, []ledger.Event{event("booked", 1)}); err != nil {
			return err
		}
		events, version, err := tx.Stream(ctx, "c1")
		if err != nil {
			return err
		}
		if version != 1 || len(events) != 1 {
			t.Errorf("Stream inside the appending Update: version %d, %d events; want 1, 1", version, len(events))
		}
		if err := tx.ReplaceView(ctx, fullView("c1")); err != nil {
			return err
		}
		v, err := tx.View(ctx, "c1")
		if err != nil {
			return err
		}
		same(t, "View inside the replacing Update", fullView("c1"), v)
		return nil
	})
	// And View sees what Update committed, over several reads.
	view(t, s, func(tx ledger.Tx) error {
		_, version, err := tx.Stream(ctx, "c1")
		if err != nil {
			return err
		}
		a, err := tx.Appointment(ctx, "c1-a1")
		if err != nil {
			return err
		}
		if version != 1 || a.ID != "c1-a1" {
			t.Errorf("View after commit: version %d, appointment %q", version, a.ID)
		}
		return nil
	})
}

// testViewIsReadOnly: a write inside View is an error and writes nothing.
func testViewIsReadOnly(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	err := s.View(ctx, func(tx ledger.Tx) error {
		return tx.Append(ctx, "c1", 0, []ledger.Event{event("booked", 1)})
	})
	if err == nil {
		t.Error("Append inside View succeeded")
	}
	err = s.View(ctx, func(tx ledger.Tx) error { return tx.CreateCandidate(ctx, candidate("c1")) })
	if err == nil {
		t.Error("CreateCandidate inside View succeeded")
	}
	if _, version := stream(t, s, "c1"); version != 0 {
		t.Errorf("Append inside View wrote: version %d", version)
	}
	_, err = getCandidate(t, s, "c1")
	wantErr(t, "Candidate created inside View", err, ledger.ErrNotFound)

	// The issue-7 records, likewise.
	for name, write := range map[string]func(ledger.Tx) error{
		"ClaimNotification": func(tx ledger.Tx) error { return tx.ClaimNotification(ctx, notification("n1", "c1", "email", 3)) },
		"PutPreferences": func(tx ledger.Tx) error {
			_, err := tx.PutPreferences(ctx, ledger.Preferences{Candidate: "c1"})
			return err
		},
		"CreateWebhook":      func(tx ledger.Tx) error { return tx.CreateWebhook(ctx, endpoint("w1")) },
		"AddWebhookDelivery": func(tx ledger.Tx) error { return tx.AddWebhookDelivery(ctx, delivery("m", "w1", 1, at(3, 3))) },
		"PutCalendarFeed": func(tx ledger.Tx) error {
			return tx.PutCalendarFeed(ctx, ledger.CalendarFeed{Candidate: "c1", Hash: []byte("h"), CreatedAt: at(3, 3)})
		},
	} {
		if err := s.View(ctx, write); err == nil {
			t.Errorf("%s inside View succeeded", name)
		}
	}
	view(t, s, func(tx ledger.Tx) error {
		if _, err := tx.Notification(ctx, "n1"); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("a notification claimed inside View: %v", err)
		}
		if _, err := tx.Preferences(ctx, "c1"); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("preferences put inside View: %v", err)
		}
		if _, err := tx.Webhook(ctx, "w1"); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("a webhook created inside View: %v", err)
		}
		if _, err := tx.CalendarFeedByHash(ctx, []byte("h")); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("a calendar feed put inside View: %v", err)
		}
		return nil
	})
}
