package ledgertest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/recert/recert/ledger"
)

func program(id, version string, day int) ledger.ProgramVersion {
	return ledger.ProgramVersion{
		ID:         id,
		Version:    version,
		Source:     []byte(fmt.Sprintf("id: %s\nversion: %q\n# trailing spaces stay   \n", id, version)),
		UploadedAt: at(day, 10),
	}
}

func activeProgram(t *testing.T, s ledger.Store, id string) (ledger.ProgramVersion, error) {
	t.Helper()
	var p ledger.ProgramVersion
	err := s.View(t.Context(), func(tx ledger.Tx) (err error) {
		p, err = tx.ActiveProgram(t.Context(), id)
		return err
	})
	return p, err
}

func testPrograms(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	v1, v2 := program("aws", "2026.1", 1), program("aws", "2026.2", 2)
	update(t, s, func(tx ledger.Tx) error {
		if err := tx.PutProgram(ctx, v2); err != nil {
			return err
		}
		return tx.PutProgram(ctx, v1)
	})
	err := s.Update(ctx, func(tx ledger.Tx) error { return tx.PutProgram(ctx, program("aws", "2026.1", 3)) })
	wantErr(t, "PutProgram of a known id@version", err, ledger.ErrExists)

	_, err = activeProgram(t, s, "aws")
	wantErr(t, "ActiveProgram with no version active", err, ledger.ErrNotFound)
	_, err = activeProgram(t, s, "nope")
	wantErr(t, "ActiveProgram of an unknown program", err, ledger.ErrNotFound)

	update(t, s, func(tx ledger.Tx) error { return tx.ActivateProgram(ctx, "aws", "2026.1") })
	got, err := activeProgram(t, s, "aws")
	if err != nil {
		t.Fatalf("ActiveProgram: %v", err)
	}
	v1.Active = true
	same(t, "active after activating 2026.1", v1, got)

	update(t, s, func(tx ledger.Tx) error { return tx.ActivateProgram(ctx, "aws", "2026.2") })
	err = s.Update(ctx, func(tx ledger.Tx) error { return tx.ActivateProgram(ctx, "aws", "2099.9") })
	wantErr(t, "ActivateProgram of an unknown version", err, ledger.ErrNotFound)
	var versions []ledger.ProgramVersion
	view(t, s, func(tx ledger.Tx) (err error) {
		versions, err = tx.ProgramVersions(ctx, "aws")
		return err
	})
	v1.Active, v2.Active = false, true
	same(t, "ProgramVersions in upload order, 2026.2 alone active", []ledger.ProgramVersion{v1, v2}, versions)

	// Put with Active set switches the active version too.
	v3 := program("aws", "2026.3", 4)
	v3.Active = true
	gcp := program("gcp", "1", 5)
	update(t, s, func(tx ledger.Tx) error {
		if err := tx.PutProgram(ctx, gcp); err != nil {
			return err
		}
		return tx.PutProgram(ctx, v3)
	})
	if got, err := activeProgram(t, s, "aws"); err != nil || got.Version != "2026.3" {
		t.Errorf("ActiveProgram after putting an active 2026.3 = %s, %v", got.Version, err)
	}
	view(t, s, func(tx ledger.Tx) (err error) {
		versions, err = tx.ProgramVersions(ctx, "aws")
		return err
	})
	for _, v := range versions {
		if v.Active != (v.Version == "2026.3") {
			t.Errorf("version %s Active = %v after putting an active 2026.3", v.Version, v.Active)
		}
	}
	var ids []string
	view(t, s, func(tx ledger.Tx) (err error) {
		ids, err = tx.ProgramIDs(ctx)
		return err
	})
	if !slices.Equal(ids, []string{"aws", "gcp"}) {
		t.Errorf("ProgramIDs = %q, want [aws gcp]", ids)
	}
	view(t, s, func(tx ledger.Tx) (err error) {
		versions, err = tx.ProgramVersions(ctx, "nope")
		return err
	})
	if len(versions) != 0 {
		t.Errorf("ProgramVersions of an unknown program = %d versions", len(versions))
	}
}

func candidate(id string) ledger.Candidate {
	return ledger.Candidate{
		ID:        id,
		Name:      "Ada " + id,
		Email:     id + "@example.org",
		TimeZone:  "Asia/Kolkata",
		Program:   "aws",
		CreatedAt: at(1, 7),
	}
}

func getCandidate(t *testing.T, s ledger.Store, id string) (ledger.Candidate, error) {
	t.Helper()
	var c ledger.Candidate
	err := s.View(t.Context(), func(tx ledger.Tx) (err error) {
		c, err = tx.Candidate(t.Context(), id)
		return err
	})
	return c, err
}

func testCandidates(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	c := candidate("c1")
	c.Rev = 41 // ignored: a new record is at Rev 1
	update(t, s, func(tx ledger.Tx) error { return tx.CreateCandidate(ctx, c) })
	err := s.Update(ctx, func(tx ledger.Tx) error { return tx.CreateCandidate(ctx, candidate("c1")) })
	wantErr(t, "CreateCandidate of a taken id", err, ledger.ErrExists)
	_, err = getCandidate(t, s, "nope")
	wantErr(t, "Candidate of an unknown id", err, ledger.ErrNotFound)

	got, err := getCandidate(t, s, "c1")
	if err != nil {
		t.Fatalf("Candidate: %v", err)
	}
	c.Rev = 1
	same(t, "created candidate", c, got)

	changed := got
	changed.Name, changed.Email, changed.TimeZone, changed.Program = "Ada L.", "ada@example.com", "Europe/London", "gcp"
	var updated ledger.Candidate
	update(t, s, func(tx ledger.Tx) (err error) {
		updated, err = tx.UpdateCandidate(ctx, changed)
		return err
	})
	changed.Rev = 2
	same(t, "UpdateCandidate result", changed, updated)
	got, _ = getCandidate(t, s, "c1")
	same(t, "candidate after update", changed, got)

	stale := changed
	stale.Rev, stale.Name = 1, "Stale"
	err = s.Update(ctx, func(tx ledger.Tx) error { _, err := tx.UpdateCandidate(ctx, stale); return err })
	wantErr(t, "UpdateCandidate at a stale Rev", err, ledger.ErrConflict)
	got, _ = getCandidate(t, s, "c1")
	same(t, "candidate after a stale update", changed, got)

	err = s.Update(ctx, func(tx ledger.Tx) error { _, err := tx.UpdateCandidate(ctx, candidate("nope")); return err })
	wantErr(t, "UpdateCandidate of an unknown id", err, ledger.ErrNotFound)
}

// pages walks list page by page and returns the ids of each page; the
// cursor of the next page is the last id of the previous one.
func pages(t *testing.T, limit int, list func(ledger.Page) ([]string, error)) [][]string {
	t.Helper()
	var out [][]string
	p := ledger.Page{Limit: limit}
	for range 20 {
		ids, err := list(p)
		if err != nil {
			t.Fatalf("list after %q: %v", p.After, err)
		}
		out = append(out, ids)
		if len(ids) == 0 {
			return out
		}
		p.After = ids[len(ids)-1]
	}
	t.Fatal("paging did not end")
	return nil
}

var shuffledIDs = []string{"c5", "c2", "c7", "c1", "c4", "c6", "c3"}

func testListCandidates(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	update(t, s, func(tx ledger.Tx) error {
		for _, id := range shuffledIDs {
			if err := tx.CreateCandidate(ctx, candidate(id)); err != nil {
				return err
			}
		}
		return nil
	})
	list := func(p ledger.Page) (ids []string, err error) {
		err = s.View(ctx, func(tx ledger.Tx) error {
			cs, err := tx.ListCandidates(ctx, p)
			for _, c := range cs {
				ids = append(ids, c.ID)
			}
			return err
		})
		return ids, err
	}
	got := pages(t, 3, list)
	want := [][]string{{"c1", "c2", "c3"}, {"c4", "c5", "c6"}, {"c7"}, nil}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("ListCandidates pages of 3 = %q, want %q", got, want)
	}
	if all, _ := list(ledger.Page{}); len(all) != len(shuffledIDs) {
		t.Errorf("ListCandidates with no limit = %q, want all %d", all, len(shuffledIDs))
	}
	var cs []ledger.Candidate
	view(t, s, func(tx ledger.Tx) (err error) {
		cs, err = tx.ListCandidates(ctx, ledger.Page{After: "c3", Limit: 1})
		return err
	})
	want4 := candidate("c4")
	want4.Rev = 1
	same(t, "ListCandidates after c3, limit 1", []ledger.Candidate{want4}, cs)
}
