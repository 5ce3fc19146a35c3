package keyring_test

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/recert/recert/credential/keyring"
)

func master(t *testing.T) []byte {
	t.Helper()
	b := make([]byte, keyring.MasterKeySize)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

var created = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// TestSealOpen: both algorithms round-trip, sign with the unsealed key, and
// the sealed bytes hold no run of the private key in the clear.
func TestSealOpen(t *testing.T) {
	m := master(t)
	for _, alg := range []string{keyring.EdDSA, keyring.RS256} {
		k, err := keyring.Generate("key-1", alg, created)
		if err != nil {
			t.Fatal(err)
		}
		sealed, err := keyring.Seal(m, k)
		if err != nil {
			t.Fatal(err)
		}
		der, _ := x509.MarshalPKCS8PrivateKey(k.Private)
		for i := 0; i+16 <= len(der); i += 16 {
			if bytes.Contains(sealed, der[i:i+16]) {
				t.Fatalf("%s: the sealed key holds bytes %d–%d of the private key in the clear", alg, i, i+16)
			}
		}
		got, err := keyring.Open(m, "key-1", alg, created, sealed)
		if err != nil {
			t.Fatalf("%s: %v", alg, err)
		}
		msg := sha256.Sum256([]byte("a credential"))
		switch p := got.Private.(type) {
		case ed25519.PrivateKey:
			sig := ed25519.Sign(p, msg[:])
			if !ed25519.Verify(k.Public().(ed25519.PublicKey), msg[:], sig) {
				t.Fatalf("%s: the unsealed key does not sign as the original", alg)
			}
		case *rsa.PrivateKey:
			sig, err := p.Sign(rand.Reader, msg[:], crypto.SHA256)
			if err != nil || rsa.VerifyPKCS1v15(k.Public().(*rsa.PublicKey), crypto.SHA256, msg[:], sig) != nil {
				t.Fatalf("%s: the unsealed key does not sign as the original (%v)", alg, err)
			}
			if p.N.BitLen() < 3072 {
				t.Fatalf("RSA key of %d bits; want at least 3072", p.N.BitLen())
			}
		}
	}
}

// TestOpenRefuses: a wrong master key, another id or algorithm, a changed
// byte and a truncated key all fail.
func TestOpenRefuses(t *testing.T) {
	m := master(t)
	k, err := keyring.Generate("key-1", keyring.EdDSA, created)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := keyring.Seal(m, k)
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(sealed)
	flipped[len(flipped)/2] ^= 1
	cases := []struct {
		name   string
		master []byte
		id     string
		alg    string
		sealed []byte
	}{
		{"another master key", master(t), "key-1", keyring.EdDSA, sealed},
		{"another key id", m, "key-2", keyring.EdDSA, sealed},
		{"another algorithm", m, "key-1", keyring.RS256, sealed},
		{"a changed byte", m, "key-1", keyring.EdDSA, flipped},
		{"truncated", m, "key-1", keyring.EdDSA, sealed[:10]},
		{"a short master key", m[:16], "key-1", keyring.EdDSA, sealed},
	}
	for _, c := range cases {
		if _, err := keyring.Open(c.master, c.id, c.alg, created, c.sealed); err == nil {
			t.Errorf("%s: opened; want refused", c.name)
		}
	}
}

func TestParseMasterKey(t *testing.T) {
	raw := bytes.Repeat([]byte{0xfb}, 32)
	for _, s := range []string{base64.StdEncoding.EncodeToString(raw), base64.RawURLEncoding.EncodeToString(raw) + "\n"} {
		got, err := keyring.ParseMasterKey(s)
		if err != nil || !bytes.Equal(got, raw) {
			t.Errorf("ParseMasterKey(%q) = %x, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "not base64!", base64.StdEncoding.EncodeToString(raw[:16])} {
		if _, err := keyring.ParseMasterKey(s); !errors.Is(err, keyring.ErrMasterKey) {
			t.Errorf("ParseMasterKey(%q): %v; want ErrMasterKey", s, err)
		}
	}
}

// TestLoadMasterKey refuses a key file others can read.
func TestLoadMasterKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "recert.key")
	text := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := keyring.LoadMasterKey(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a world-readable key file: %v; want refused with the fix", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := keyring.LoadMasterKey(path); err != nil {
		t.Fatal(err)
	}
}

func TestGenerateUnknown(t *testing.T) {
	if _, err := keyring.Generate("k", "ES256", created); err == nil {
		t.Fatal("ES256 generated; want refused")
	}
}
