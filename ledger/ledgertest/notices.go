package ledgertest

import (
	"cmp"
	"slices"
	"testing"
	"time"

	"github.com/recert/recert/ledger"
)

// dueNotices runs DueNotices in a View and fails the test on an error.
func dueNotices(t *testing.T, s ledger.Store, from, to time.Time, after ledger.Notice, limit int) []ledger.Notice {
	t.Helper()
	var ns []ledger.Notice
	view(t, s, func(tx ledger.Tx) (err error) {
		ns, err = tx.DueNotices(t.Context(), from, to, after, limit)
		return err
	})
	return ns
}

// testNoticesView: notices are part of the view, read back in the
// engine's order whatever order they were given in, each with the view's
// candidate, and replaced with the rest of the view.
func testNoticesView(t *testing.T, s ledger.Store) {
	want := fullView("c1")
	given := want
	given.Notices = slices.Clone(want.Notices)
	slices.Reverse(given.Notices)
	for i := range given.Notices {
		given.Notices[i].Candidate = "" // it is the view's
	}
	replace(t, s, given)
	got := readView(t, s, "c1")
	same(t, "View(c1) given its notices in reverse", want, got)
	for _, n := range got.Notices {
		inUTC(t, "a notice's times", n.Due, n.Until)
	}

	// Another candidate's notice in the view is refused.
	bad := fullView("c2")
	bad.Notices[1].Candidate = "c3"
	err := s.Update(t.Context(), func(tx ledger.Tx) error { return tx.ReplaceView(t.Context(), bad) })
	if err == nil {
		t.Error("ReplaceView with a notice of another candidate: no error")
	}
	// One notice twice is refused, and nothing of the view is kept.
	twice := fullView("c2")
	twice.Notices = append(twice.Notices, twice.Notices[0])
	err = s.Update(t.Context(), func(tx ledger.Tx) error { return tx.ReplaceView(t.Context(), twice) })
	if err == nil {
		t.Error("ReplaceView with one notice twice: no error")
	}
	same(t, "View(c2) after refused replacements", ledger.View{Candidate: "c2"}, readView(t, s, "c2"))

	// A notice moved (a reschedule: the same kind and subject due at
	// another time) is the old one gone and a new one there.
	moved := want
	moved.Notices = slices.Clone(want.Notices)
	moved.Notices[0].Due = at(21, 8)
	slices.SortFunc(moved.Notices, byDueKindSubject)
	replace(t, s, moved)
	same(t, "View(c1) after a notice moved", moved, readView(t, s, "c1"))
}

// byDueKindSubject is View.Notices' order.
func byDueKindSubject(a, b ledger.Notice) int {
	return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Subject, b.Subject))
}

// bySweep is DueNotices' order.
func bySweep(a, b ledger.Notice) int {
	return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.Candidate, b.Candidate),
		cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Subject, b.Subject))
}

// testDueNotices: the sweep's window is (from, to], pages follow each
// other without a gap or a repeat across candidates that share due times,
// and it reads what the views hold now.
func testDueNotices(t *testing.T, s ledger.Store) {
	views := []ledger.View{fullView("c2"), fullView("c1"), fullView("c10")}
	views[2].Notices = append(views[2].Notices, notice("c10", "sitting", "c10-a7", 25, 0))
	replace(t, s, views...)
	var all []ledger.Notice
	for _, v := range views {
		all = append(all, v.Notices...)
	}
	slices.SortFunc(all, bySweep)
	window := func(from, to time.Time) []ledger.Notice {
		var out []ledger.Notice
		for _, n := range all {
			if n.Due.After(from) && !n.Due.After(to) {
				out = append(out, n)
			}
		}
		return out
	}

	same(t, "DueNotices over every due time", all, dueNotices(t, s, at(1, 0), at(31, 0), ledger.Notice{}, 0))
	// The window is from exclusive, to inclusive: a notice due at from is
	// the previous sweep's, one due at to is this one's.
	from, to := at(19, 3), at(22, 3) // sitting notices are due at from, voucher notices at to
	got := dueNotices(t, s, from, to, ledger.Notice{}, 0)
	same(t, "DueNotices in (from, to]", window(from, to), got)
	if len(got) != 12 {
		t.Errorf("DueNotices in (day 19, day 22] = %d notices, want 12 (3 candidates × 4)", len(got))
	}
	// In pages of 5: the cursor is the last notice of a page.
	var paged []ledger.Notice
	after := ledger.Notice{}
	for range 10 {
		page := dueNotices(t, s, at(1, 0), at(31, 0), after, 5)
		if len(page) > 5 {
			t.Fatalf("a page of 5 has %d notices", len(page))
		}
		if len(page) == 0 {
			break
		}
		paged = append(paged, page...)
		after = page[len(page)-1]
	}
	same(t, "DueNotices in pages of 5", all, paged)
	// A cursor at or before the window's start is no bound: the window is.
	for _, before := range []ledger.Notice{all[0], notice("c0", "sitting", "x", 2, 0)} {
		same(t, "DueNotices after a notice due at or before from", window(from, to), dueNotices(t, s, from, to, before, 0))
	}
	same(t, "DueNotices in (from, to] after its first notice", window(from, to)[1:4], dueNotices(t, s, from, to, window(from, to)[0], 3))
	if got := dueNotices(t, s, at(25, 3), at(31, 0), ledger.Notice{}, 0); len(got) != 0 {
		t.Errorf("DueNotices after the last due time = %d notices", len(got))
	}

	// A view replaced without its notices takes them out of the sweep.
	replace(t, s, ledger.View{Candidate: "c1"})
	var left []ledger.Notice
	for _, n := range all {
		if n.Candidate != "c1" {
			left = append(left, n)
		}
	}
	same(t, "DueNotices after c1's notices went", left, dueNotices(t, s, at(1, 0), at(31, 0), ledger.Notice{}, 0))
	update(t, s, func(tx ledger.Tx) error { return tx.TruncateViews(t.Context()) })
	if got := dueNotices(t, s, at(1, 0), at(31, 0), ledger.Notice{}, 0); len(got) != 0 {
		t.Errorf("DueNotices after TruncateViews = %d notices", len(got))
	}
}
