package statuslist

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func gz(t *testing.T, members ...[]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	for _, m := range members {
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := zw.Write(m); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func mb(b []byte) string { return "u" + base64.RawURLEncoding.EncodeToString(b) }

func TestDecodeRefuses(t *testing.T) {
	zeros := make([]byte, MinEntries/8)
	good := gz(t, zeros)
	badCRC := bytes.Clone(good)
	badCRC[len(badCRC)-8] ^= 0xff // the CRC-32 of the trailer
	padded := good
	for len(padded)%3 == 0 {
		padded = padded[:len(padded)-1] // base64 pads only a partial group
	}
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"empty", "", ErrMultibasePrefix},
		{"no prefix", base64.RawURLEncoding.EncodeToString(good), ErrMultibasePrefix},
		{"base58btc prefix", "z" + base64.RawURLEncoding.EncodeToString(good), ErrMultibasePrefix},
		{"padded base64url prefix", "U" + base64.URLEncoding.EncodeToString(good), ErrMultibasePrefix},
		{"standard base64 alphabet", "u" + strings.NewReplacer("-", "+", "_", "/").Replace(base64.RawURLEncoding.EncodeToString(good)), ErrBase64},
		{"padding", "u" + base64.URLEncoding.EncodeToString(padded), ErrBase64},
		{"line break", mb(good)[:20] + "\n" + mb(good)[20:], ErrBase64},
		{"garbage", "u!!!not base64!!!", ErrBase64},
		{"only the prefix", "u", ErrNotGzip},
		{"not gzip", mb(zeros), ErrNotGzip},
		{"truncated gzip", mb(good[:len(good)-4]), ErrNotGzip},
		{"bad checksum", mb(badCRC), ErrNotGzip},
		{"trailing garbage", mb(append(bytes.Clone(good), "junk"...)), ErrNotGzip},
		{"too short by a byte", mb(gz(t, zeros[1:])), ErrTooShort},
		{"empty bitstring", mb(gz(t, nil)), ErrTooShort},
		{"too long a text", "u" + strings.Repeat("A", maxEncodedLen), ErrTooLarge},
	}
	for _, tt := range tests {
		l, err := Decode(tt.in)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: Decode = %v, want %v", tt.name, err, tt.want)
		}
		if l != nil {
			t.Errorf("%s: Decode returned a list with its error", tt.name)
		}
	}
}

// A bomb: 64 GZIP members of 16 MiB of zeros each, about 1 GiB once
// expanded from under 2 MB of text. Decode stops after MaxBytes.
func TestDecodeRefusesGzipBomb(t *testing.T) {
	member := gz(t, make([]byte, MaxBytes))
	bomb := bytes.Repeat(member, 64)
	s := mb(bomb)
	if len(s) > maxEncodedLen {
		t.Fatalf("bomb text is %d characters, over the text bound; the test would not reach the decompressor", len(s))
	}
	if _, err := Decode(s); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Decode(bomb) = %v, want ErrTooLarge", err)
	}
	// Exactly MaxBytes is accepted: the bound is not off by one.
	l, err := Decode(mb(member))
	if err != nil {
		t.Fatalf("Decode(MaxBytes) = %v", err)
	}
	if l.Len() != MaxBytes*8 {
		t.Errorf("Len = %d, want %d", l.Len(), MaxBytes*8)
	}
}

// RFC 1952 allows a GZIP file of several members; their data joins up.
func TestDecodeMultipleMembers(t *testing.T) {
	half := make([]byte, MinEntries/16)
	second := bytes.Clone(half)
	second[0] = 0x80
	l, err := Decode(mb(gz(t, half, second)))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := l.Get(MinEntries / 2); !got || l.Len() != MinEntries {
		t.Errorf("two members: Len %d, entry %d = %v", l.Len(), MinEntries/2, got)
	}
}

func TestSpecCode(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{ErrFull, ""},
		{ErrTooShort, "STATUS_LIST_LENGTH_ERROR"},
		{ErrRange, "RANGE_ERROR"},
		{ErrPurpose, "STATUS_VERIFICATION_ERROR"},
		{ErrMultibasePrefix, "MALFORMED_VALUE_ERROR"},
		{ErrBase64, "MALFORMED_VALUE_ERROR"},
		{ErrNotGzip, "MALFORMED_VALUE_ERROR"},
		{ErrTooLarge, "MALFORMED_VALUE_ERROR"},
		{ErrMalformed, "MALFORMED_VALUE_ERROR"},
	}
	for _, tt := range tests {
		if got := SpecCode(tt.err); got != tt.want {
			t.Errorf("SpecCode(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
	_, err := Decode("u")
	if got := SpecCode(err); got != "MALFORMED_VALUE_ERROR" {
		t.Errorf("SpecCode of a wrapped Decode error = %q", got)
	}
}
