package app_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger/sqlite"
)

// The join of a verification with the ledger is tested with the real
// verifier and real keys in credential/verifier_test.go (app tests may
// import credential; arch_test checks only non-test files), so no fake
// CredentialVerifier exists. Here: what app answers alone.

// TestVerifyWithoutIssuer: a server without issuer keys says it issues no
// credentials, a not-found rather than a failure, for every way in.
func TestVerifyWithoutIssuer(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "recert.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a := app.New(st)
	ctx := context.Background()
	_, e1 := a.VerifyCredential(ctx, []byte("a.b.c"))
	_, e2 := a.VerifyStored(ctx, "cred_1")
	_, e3 := a.VerifyRoster(ctx, strings.NewReader("name,credential\nAda,cred_1\n"))
	for i, err := range []error{e1, e2, e3} {
		if app.ErrorCode(err) != app.CodeNotFound || !strings.Contains(err.Error(), "issues no credentials") {
			t.Errorf("way %d: %v", i, err)
		}
	}
}

// TestRosterCSVCells: the answer's cells that a spreadsheet would run as
// a formula are quoted with an apostrophe; others are as given.
func TestRosterCSVCells(t *testing.T) {
	for _, c := range []struct{ given, want string }{
		{"Ada Lovelace", "Ada Lovelace"},
		{"=1+1", "'=1+1"},
		{"+44 20", "'+44 20"},
		{"-2", "'-2"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"a=b", "a=b"},
		{"", ""},
	} {
		var buf bytes.Buffer
		if err := app.WriteRosterCSV(&buf, []app.RosterRow{{Row: 2, GivenName: c.given}}); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[1], "2,"+c.want+",") {
			t.Errorf("%q: %q, want the cell %q", c.given, lines, c.want)
		}
	}
}
