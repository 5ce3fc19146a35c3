package resolve_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/recert/recert/credential/resolve"
)

func TestReadCredential(t *testing.T) {
	for _, c := range []struct {
		name, in, want, err string
	}{
		{"jwt with newline", "eyJ.a.b\n", "eyJ.a.b", ""},
		{"json with bom", "\xef\xbb\xbf {\"a\":1}\r\n", "{\"a\":1}", ""},
		{"empty", "", "", "empty"},
		{"blank", " \n\t", "", "empty"},
		{"binary", "\x89PNG\r\n\x1a\n\x00\x00", "", "binary"},
		{"nul", "eyJ.a\x00.b", "", "binary"},
		{"huge", strings.Repeat("a", resolve.MaxCredentialSize+1), "", "larger than"},
	} {
		got, err := resolve.ReadCredential(strings.NewReader(c.in))
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: %v; want an error saying %q", c.name, err, c.err)
			}
			continue
		}
		if err != nil || string(got) != c.want {
			t.Errorf("%s: %q, %v; want %q", c.name, got, err, c.want)
		}
	}
	if _, err := resolve.ReadCredential(strings.NewReader(strings.Repeat("a", resolve.MaxCredentialSize))); err != nil {
		t.Errorf("exactly 1 MiB: %v; want accepted", err)
	}
}

// FuzzReadCredential: whatever a file holds, the reader neither panics
// nor returns what the verifier should not see: empty, over the bound,
// not UTF-8, with a NUL, or with surrounding space.
func FuzzReadCredential(f *testing.F) {
	for _, s := range []string{"", "eyJhbGciOiJFZERTQSJ9.e30.sig\n", "{\"proof\":{}}", "\x00\xff", "\xef\xbb\xbf{}", " \n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		got, err := resolve.ReadCredential(bytes.NewReader(in))
		if err != nil {
			if got != nil {
				t.Fatalf("an error with bytes %q", got)
			}
			return
		}
		if len(got) == 0 || len(got) > resolve.MaxCredentialSize || !utf8.Valid(got) || bytes.IndexByte(got, 0) >= 0 ||
			len(bytes.TrimSpace(got)) != len(got) || !bytes.Contains(in, got) {
			t.Fatalf("ReadCredential(%q) = %q", in, got)
		}
	})
}
