package statuslist

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n got %s\nwant %s", name, got, want)
	}
}

func newList(t *testing.T, n int) *List {
	t.Helper()
	l, err := New(n)
	if err != nil {
		t.Fatalf("New(%d): %v", n, err)
	}
	return l
}

// The specification (sections 2.2 and 7.1): index 0 is the left-most bit of
// the bitstring, the last index the right-most. In bytes: index i is bit
// 7 - i%8 (counting from the least significant) of byte i/8.
func TestSetGetBitOrder(t *testing.T) {
	tests := []struct {
		index int
		byte  int
		value byte
	}{
		{0, 0, 0b1000_0000},
		{1, 0, 0b0100_0000},
		{7, 0, 0b0000_0001},
		{8, 1, 0b1000_0000},
		{15, 1, 0b0000_0001},
		{94567, 11820, 0b0000_0001}, // 94567 = 8*11820 + 7, the spec's example index
		{23452, 2931, 0b0000_1000},  // 23452 = 8*2931 + 4
		{MinEntries - 1, MinEntries/8 - 1, 0b0000_0001},
	}
	for _, tt := range tests {
		l := newList(t, MinEntries)
		if err := l.Set(tt.index, true); err != nil {
			t.Fatalf("Set(%d): %v", tt.index, err)
		}
		want := make([]byte, MinEntries/8)
		want[tt.byte] = tt.value
		if got := l.Bytes(); !bytes.Equal(got, want) {
			i := firstDiff(got, want)
			t.Errorf("Set(%d): byte %d is %08b, want %08b", tt.index, i, got[i], want[i])
		}
		for _, j := range []int{tt.index - 1, tt.index, tt.index + 1} {
			if j < 0 || j >= MinEntries {
				continue
			}
			got, err := l.Get(j)
			if err != nil {
				t.Fatalf("Get(%d): %v", j, err)
			}
			if got != (j == tt.index) {
				t.Errorf("after Set(%d): Get(%d) = %v", tt.index, j, got)
			}
		}
		if err := l.Set(tt.index, false); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(l.Bytes(), make([]byte, MinEntries/8)) {
			t.Errorf("Set(%d, false) left bits set", tt.index)
		}
	}
}

func firstDiff(a, b []byte) int {
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	return 0
}

func TestSetGetOutOfRange(t *testing.T) {
	l := newList(t, MinEntries)
	for _, i := range []int{-1, MinEntries, MinEntries + 8, int(^uint(0) >> 1)} {
		if err := l.Set(i, true); !errors.Is(err, ErrRange) {
			t.Errorf("Set(%d) = %v, want ErrRange", i, err)
		}
		if _, err := l.Get(i); !errors.Is(err, ErrRange) {
			t.Errorf("Get(%d) = %v, want ErrRange", i, err)
		}
	}
}

func TestNewRefuses(t *testing.T) {
	tests := []struct {
		n    int
		want error
	}{
		{0, ErrTooShort},
		{-8, ErrTooShort},
		{MinEntries - 8, ErrTooShort},
		{MinEntries + 1, ErrMalformed},
		{MaxBytes*8 + 8, ErrTooLarge},
	}
	for _, tt := range tests {
		if _, err := New(tt.n); !errors.Is(err, tt.want) {
			t.Errorf("New(%d) = %v, want %v", tt.n, err, tt.want)
		}
	}
	if l := newList(t, MinEntries*2); l.Len() != MinEntries*2 {
		t.Errorf("Len = %d, want %d", l.Len(), MinEntries*2)
	}
}

func TestGoldenEncodeZero(t *testing.T) {
	enc, err := newList(t, MinEntries).Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "u") || strings.ContainsAny(enc, "+/=") {
		t.Errorf("Encode = %q: not multibase base64url without padding", enc)
	}
	golden(t, "zero-131072.golden", []byte(enc+"\n"))
	l, err := Decode(enc)
	if err != nil {
		t.Fatalf("Decode(Encode()): %v", err)
	}
	if l.Len() != MinEntries || !bytes.Equal(l.Bytes(), make([]byte, MinEntries/8)) {
		t.Errorf("all-zero list decoded to %d entries, not all zero", l.Len())
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{MinEntries, MinEntries + 8, 4 * MinEntries} {
		l := newList(t, n)
		set := map[int]bool{0: true, n - 1: true}
		for range 500 {
			set[r.IntN(n)] = true
		}
		for i := range set {
			if err := l.Set(i, true); err != nil {
				t.Fatal(err)
			}
		}
		enc, err := l.Encode()
		if err != nil {
			t.Fatal(err)
		}
		again, err := l.Encode()
		if err != nil || again != enc {
			t.Errorf("n=%d: Encode is not deterministic", n)
		}
		back, err := Decode(enc)
		if err != nil {
			t.Fatalf("n=%d: Decode: %v", n, err)
		}
		if !bytes.Equal(back.Bytes(), l.Bytes()) {
			t.Fatalf("n=%d: round trip changed the bits", n)
		}
		for i := range n {
			got, _ := back.Get(i)
			if got != set[i] {
				t.Fatalf("n=%d: entry %d = %v after round trip, want %v", n, i, got, set[i])
			}
		}
	}
}

// The specification's Example 3 (and every later example) carries this
// encodedList: an all-zero list of the minimum length.
func TestSpecExampleEncodedList(t *testing.T) {
	var cred struct {
		CredentialSubject struct {
			EncodedList string `json:"encodedList"`
		} `json:"credentialSubject"`
	}
	b, err := os.ReadFile("testdata/spec-example-3.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &cred); err != nil {
		t.Fatal(err)
	}
	const want = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
	if cred.CredentialSubject.EncodedList != want {
		t.Fatalf("testdata example's encodedList = %q", cred.CredentialSubject.EncodedList)
	}
	l, err := Decode(want)
	if err != nil {
		t.Fatalf("Decode(spec example): %v", err)
	}
	if l.Len() != MinEntries {
		t.Errorf("spec example has %d entries, want %d (16KB)", l.Len(), MinEntries)
	}
	if !bytes.Equal(l.Bytes(), make([]byte, MinEntries/8)) {
		t.Errorf("spec example is not all zero")
	}
	// Another compressor's bytes, the same bitstring: ours decodes to it.
	mine, err := l.Encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(mine)
	if err != nil || !bytes.Equal(back.Bytes(), l.Bytes()) {
		t.Errorf("re-encoded spec example does not decode to the same list: %v", err)
	}
}
