package dataintegrity

import (
	"bytes"
	"crypto/ed25519"
	"strings"
	"testing"
)

func TestPublicKeyMultibaseRoundTrip(t *testing.T) {
	pub := testKey.Public().(ed25519.PublicKey)
	mb := PublicKeyMultibase(pub)
	if !strings.HasPrefix(mb, "z6Mk") {
		t.Errorf("PublicKeyMultibase = %s, want the z6Mk prefix of an Ed25519 Multikey", mb)
	}
	back, err := ParsePublicKeyMultibase(mb)
	if err != nil || !bytes.Equal(back, pub) {
		t.Fatalf("ParsePublicKeyMultibase(%s) = %x, %v, want %x", mb, back, err, pub)
	}
}

func TestParsePublicKeyMultibaseRefuses(t *testing.T) {
	x25519 := "z" + base58Encode(append([]byte{0xec, 0x01}, make([]byte, 32)...))
	short := "z" + base58Encode(append([]byte{0xed, 0x01}, make([]byte, 31)...))
	cases := map[string]string{
		"":                                    "'z' prefix",
		"u7QE":                                "'z' prefix",
		"z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pv0": "invalid base58btc character",
		x25519:                                "not an Ed25519 Multikey",
		short:                                 "31 bytes",
		"z" + strings.Repeat("2", 300):        "more than 256",
	}
	for in, says := range cases {
		if _, err := ParsePublicKeyMultibase(in); err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("ParsePublicKeyMultibase(%q) = %v, want an error saying %q", in, err, says)
		}
	}
}

// Base58 against Bitcoin's rules: leading zero bytes are '1's.
func TestBase58(t *testing.T) {
	cases := []struct {
		raw []byte
		enc string
	}{
		{nil, ""},
		{[]byte{0}, "1"},
		{[]byte{0, 0, 1}, "112"},
		{[]byte("hello world"), "StV1DL6CwTryKyV"},
		{[]byte{0xff}, "5Q"},
	}
	for _, c := range cases {
		if got := base58Encode(c.raw); got != c.enc {
			t.Errorf("base58Encode(%x) = %q, want %q", c.raw, got, c.enc)
		}
		got, err := base58Decode(c.enc)
		if err != nil || !bytes.Equal(got, c.raw) && len(c.raw) > 0 {
			t.Errorf("base58Decode(%q) = %x, %v, want %x", c.enc, got, err, c.raw)
		}
	}
}
