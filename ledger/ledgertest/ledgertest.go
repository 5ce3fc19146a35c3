// Package ledgertest is the one behaviour suite every ledger.Store must
// pass. ledger/sqlite and ledger/postgres run it from their tests:
//
//	func TestStore(t *testing.T) {
//		ledgertest.Run(t, func(t *testing.T) ledger.Store { ... a fresh, empty, migrated store ... })
//	}
//
// Where ledger.go leaves a behaviour open, the suite settles it, so both
// stores answer the app alike:
//
//   - Rev is 1 after CreateCandidate or CreateCenter, whatever the
//     argument's Rev, and each successful update adds 1. An update of an
//     unknown id is ErrNotFound; of a stale Rev, ErrConflict.
//   - A Page with Limit <= 0 has no limit; After "" starts at the
//     beginning. StreamIDs' limit reads the same way.
//   - ListFees' cursor is the decimal Seq of the last fee of the previous
//     page, fees come in (Seq, written order), and only the candidate's own.
//   - View returns each slice in the order ReplaceView was given it, with
//     every row's Candidate set to the view's candidate.
//   - Streams do not need a candidate record: the suite appends to ids that
//     were never created.
//   - PutProgram with Active set makes that version the active one.
//   - ReserveSeat at an unknown center is ErrNotFound; ReleaseSeat of a
//     slot with no seat taken does nothing; SeatsTaken of a slot never
//     reserved is 0. A slot is an instant: the same instant in another zone
//     is the same slot.
//   - A second CreateToken with a taken id or hash, and a second
//     SaveIdempotentResponse for the same principal and key, are ErrExists.
//   - A write inside View fails and leaves nothing behind.
//   - View.Notices come back ordered by (Due, Kind, Subject), the engine's
//     order, not as given; DueNotices pages by (Due, Candidate, Kind,
//     Subject) with from exclusive and to inclusive, and its cursor is the
//     last notice of the previous page.
//   - A second ClaimNotification of one notice on one channel is ErrExists,
//     and the transaction that got it can go on (read the winning claim).
//   - PutPreferences and UpdateWebhook are compare-and-set on Rev
//     (ErrConflict); the first PutPreferences has Rev 0 and the stored Rev
//     is 1 after it. CreateWebhook stores Rev 1. Empty lists read back nil.
//   - A webhook delivery log is newest first by At (then ID and Attempt,
//     descending); its cursor is ledger.DeliveryCursor of the last row.
//     DeleteWebhook deletes the endpoint's log with it.
//   - PutCalendarFeed replaces the candidate's feed: the old hash finds
//     nothing after it.
//   - PutSigningKey with Active set makes that key the active one of its
//     algorithm; SigningKeys are oldest first by CreatedAt, then by ID.
//   - CreateCredential stores Rev 1; a taken id, revocation index or
//     suspension index is ErrExists, and the transaction that got it can
//     go on (create with another index). An unknown Status, or a negative
//     index, is refused. ValidUntil and ChangedAt may be zero and come
//     back zero. SetCredentialStatus is compare-and-set on Rev and changes
//     Status, Reason and ChangedAt only. StatusBits are ascending and
//     follow Status: "revocation" the revoked, "suspension" the suspended.
//   - Times come back equal to the microsecond (compared in UTC; the
//     suite's times have microseconds and a non-UTC zone). JSON fields are
//     compared as JSON values (jsonb may reformat them); byte fields
//     (token hashes, response bodies, program sources) byte for byte.
//
// Each subtest opens its own store; none runs in parallel with another.
package ledgertest

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/recert/recert/ledger"
)

// Options says what the suite may assume of a store.
type Options struct {
	// ParallelUpdates: the store runs several Updates' fns at once (as
	// ledger/postgres does), so a race can hold two transactions open
	// together before either writes. A store with one writer (ledger/sqlite)
	// runs them one after another, and a barrier inside fn would wait
	// forever; its races start together and serialize.
	ParallelUpdates bool
}

// Run runs the suite. open must return a fresh, empty, migrated store and
// arrange its cleanup with t.Cleanup.
func Run(t *testing.T, open func(t *testing.T) ledger.Store) {
	RunWith(t, open, Options{})
}

// RunWith is Run for a store that allows more (Options).
func RunWith(t *testing.T, open func(t *testing.T) ledger.Store, o Options) {
	tests := []struct {
		name string
		fn   func(*testing.T, ledger.Store)
	}{
		{"Ready", testReady},
		{"Streams/Append", testAppend},
		{"Streams/StaleVersion", testStaleVersion},
		{"Streams/ConcurrentAppend", testConcurrentAppend},
		{"Streams/StreamIDs", testStreamIDs},
		{"Programs", testPrograms},
		{"Candidates/CRUD", testCandidates},
		{"Candidates/List", testListCandidates},
		{"Centers/CRUD", testCenters},
		{"Centers/List", testListCenters},
		{"Centers/Seats", testSeats},
		{"Centers/ConcurrentSeats", testConcurrentSeats},
		{"Centers/RecountSeats", testRecountSeats},
		{"Views/ReplaceAndRead", testReplaceView},
		{"Views/Appointments", testListAppointments},
		{"Views/Fees", testListFees},
		{"Views/Truncate", testTruncateViews},
		{"Views/Delta", testViewDelta},
		{"Tokens", testTokens},
		{"Tokens/Expiry", testTokenExpiry},
		{"Idempotency", testIdempotency},
		{"Imports", testImports},
		{"Tx/Rollback", testRollback},
		{"Tx/ReadYourWrites", testReadYourWrites},
		{"Tx/ViewIsReadOnly", testViewIsReadOnly},
		{"Bulk", testBulk},
		{"Notices/View", testNoticesView},
		{"Notices/Due", testDueNotices},
		{"Notifications/CRUD", testNotifications},
		{"Notifications/List", testListNotifications},
		{"Notifications/ConcurrentClaim", func(t *testing.T, s ledger.Store) { testConcurrentClaim(t, s, o) }},
		{"Preferences", testPreferences},
		{"Webhooks/CRUD", testWebhooks},
		{"Webhooks/Deliveries", testWebhookDeliveries},
		{"Calendars", testCalendars},
		{"SigningKeys", testSigningKeys},
		{"Credentials/CRUD", testCredentials},
		{"Credentials/SetStatus", testSetCredentialStatus},
		{"Credentials/List", testListCredentials},
		{"Credentials/StatusBits", testStatusBits},
		{"Credentials/ConcurrentStatusIndex", func(t *testing.T, s ledger.Store) { testConcurrentStatusIndex(t, s, o) }},
		{"Credentials/ViewIsReadOnly", testCredentialsReadOnly},
		{"Reports/Aggregates", testReports},
		{"Reports/Empty", testEmptyReports},
		{"Reports/SlotUses", testSlotUses},
		{"Reports/SearchCandidates", testSearchCandidates},
		{"SignIns/StaffUsers", testStaffUsers},
		{"SignIns/CandidatesByEmail", testCandidatesByEmail},
		{"SignIns/Links", testSignInLinks},
		{"SignIns/ConcurrentLinkUse", func(t *testing.T, s ledger.Store) { testConcurrentLinkUse(t, s, o) }},
		{"SignIns/Sessions", testSessions},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

func testReady(t *testing.T, s ledger.Store) {
	if err := s.Ready(t.Context()); err != nil {
		t.Fatalf("Ready on a fresh store: %v", err)
	}
}

// zone is where the suite's times are written, so a store that drops the
// zone without converting to UTC shows.
var zone = time.FixedZone("UTC+05:30", 5*3600+30*60)

// at is a time with microseconds, in zone.
func at(day, hour int) time.Time {
	return time.Date(2026, time.March, day, hour, 17, 42, 123456000, zone)
}

// update runs fn in s.Update and fails the test on an error.
func update(t *testing.T, s ledger.Store, fn func(ledger.Tx) error) {
	t.Helper()
	if err := s.Update(t.Context(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

// view runs fn in s.View and fails the test on an error.
func view(t *testing.T, s ledger.Store, fn func(ledger.Tx) error) {
	t.Helper()
	if err := s.View(t.Context(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// wantErr fails the test unless errors.Is(err, target).
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want %v", what, err, target)
	}
}

// same compares want and got after normalize.
func same(t *testing.T, what string, want, got any) {
	t.Helper()
	w, g := normalize(want), normalize(got)
	if !reflect.DeepEqual(w, g) {
		t.Errorf("%s:\n got  %s\n want %s", what, show(g), show(w))
	}
}

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%+v", v)
	}
	return string(b)
}

var (
	timeType = reflect.TypeFor[time.Time]()
	jsonType = reflect.TypeFor[json.RawMessage]()
)

// normalize returns a deep copy of v in which times are UTC without a
// monotonic reading, JSON is canonical (keys sorted, no spaces), and empty
// slices are nil, so that reflect.DeepEqual compares what a store must keep
// rather than how it happens to hand it back.
func normalize(v any) any {
	if v == nil {
		return nil
	}
	return norm(reflect.ValueOf(v)).Interface()
}

func norm(v reflect.Value) reflect.Value {
	switch v.Type() {
	case timeType:
		return reflect.ValueOf(v.Interface().(time.Time).UTC().Round(0))
	case jsonType:
		return reflect.ValueOf(canonicalJSON(json.RawMessage(v.Bytes())))
	}
	switch v.Kind() {
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		for i := range v.NumField() {
			if out.Field(i).CanSet() {
				out.Field(i).Set(norm(v.Field(i)))
			}
		}
		return out
	case reflect.Slice:
		if v.Len() == 0 {
			return reflect.Zero(v.Type())
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(norm(v.Index(i)))
		}
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(norm(v.Elem()))
		return p
	}
	return v
}

// canonicalJSON re-encodes m with sorted keys; invalid JSON is kept as is,
// so that a store that mangles it still fails the comparison.
func canonicalJSON(m json.RawMessage) json.RawMessage {
	if len(m) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(m, &v); err != nil {
		return m
	}
	out, err := json.Marshal(v)
	if err != nil {
		return m
	}
	return out
}

// inUTC fails the test for a time that does not come back in UTC: the
// issue-7 records promise UTC, and same compares after converting.
func inUTC(t *testing.T, what string, ts ...time.Time) {
	t.Helper()
	for i, x := range ts {
		if x.Location() != time.UTC {
			t.Errorf("%s: time %d is in %v, want UTC", what, i, x.Location())
		}
	}
}
