// Package keyring makes the issuer's signing keys and keeps them sealed.
//
// A credential's trust rests on its issuer's private keys, and recert keeps
// them in its own database (issue 8: generated on first start, rotated
// with `recert keys rotate`, old ones kept so that earlier credentials
// still verify). A database dump or backup must not be enough to sign as
// the program, so a key is stored only sealed: AES-256-GCM under a master
// key that lives outside the database (RECERT_KEY, or a key file), with
// the key's id and algorithm as additional data, so that a sealed key
// cannot be passed off as another.
package keyring

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// MasterKeySize is the size of the master key: AES-256.
const MasterKeySize = 32

// Algorithms of signing keys.
const (
	EdDSA = "EdDSA" // Ed25519: VC-JWT and the eddsa-rdfc-2022 Data Integrity proof
	RS256 = "RS256" // RSA 3072, PKCS #1 v1.5 with SHA-256: VC-JWT for verifiers without EdDSA
)

// rsaBits is the size of generated RSA keys (NIST's 128-bit level).
const rsaBits = 3072

// ErrMasterKey is a master key that is missing or malformed.
var ErrMasterKey = errors.New("keyring: master key")

// ParseMasterKey reads a master key written as base64 (standard or URL
// alphabet, padded or not) of 32 bytes, as RECERT_KEY holds it.
func ParseMasterKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("%w: empty; make one with: head -c 32 /dev/urandom | base64", ErrMasterKey)
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) != MasterKeySize {
				return nil, fmt.Errorf("%w: %d bytes, want %d (head -c 32 /dev/urandom | base64)", ErrMasterKey, len(b), MasterKeySize)
			}
			return b, nil
		}
	}
	return nil, fmt.Errorf("%w: not base64", ErrMasterKey)
}

// LoadMasterKey reads a master key file (the base64 text of ParseMasterKey)
// and refuses one that others may read.
func LoadMasterKey(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMasterKey, err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s is readable by others (mode %v); chmod 600 it", ErrMasterKey, path, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMasterKey, err)
	}
	k, err := ParseMasterKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// Key is one signing key.
type Key struct {
	ID      string // the verification method's fragment, e.g. key-2026-12-01
	Alg     string // EdDSA or RS256
	Created time.Time
	Private crypto.Signer
}

// Public is the key's public half.
func (k Key) Public() crypto.PublicKey { return k.Private.Public() }

// Generate makes a new key of alg.
func Generate(id, alg string, created time.Time) (Key, error) {
	k := Key{ID: id, Alg: alg, Created: created.UTC()}
	switch alg {
	case EdDSA:
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return Key{}, fmt.Errorf("keyring: generating %s: %w", alg, err)
		}
		k.Private = priv
	case RS256:
		priv, err := rsa.GenerateKey(rand.Reader, rsaBits)
		if err != nil {
			return Key{}, fmt.Errorf("keyring: generating %s: %w", alg, err)
		}
		k.Private = priv
	default:
		return Key{}, fmt.Errorf("keyring: unknown algorithm %q (want %s or %s)", alg, EdDSA, RS256)
	}
	return k, nil
}

// Seal returns the key's private half, PKCS #8, sealed under master. The
// result holds no byte of the private key in the clear.
func Seal(master []byte, k Key) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k.Private)
	if err != nil {
		return nil, fmt.Errorf("keyring: sealing %s: %w", k.ID, err)
	}
	aead, err := gcm(master)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("keyring: sealing %s: %w", k.ID, err)
	}
	return aead.Seal(nonce, nonce, der, additional(k.ID, k.Alg)), nil
}

// Open unseals what Seal made for the key id of algorithm alg. A wrong
// master key, another key's sealed bytes or any change to them fail.
func Open(master []byte, id, alg string, created time.Time, sealed []byte) (Key, error) {
	aead, err := gcm(master)
	if err != nil {
		return Key{}, err
	}
	if len(sealed) < aead.NonceSize()+aead.Overhead() {
		return Key{}, fmt.Errorf("keyring: key %s: sealed key too short", id)
	}
	nonce, body := sealed[:aead.NonceSize()], sealed[aead.NonceSize():]
	der, err := aead.Open(nil, nonce, body, additional(id, alg))
	if err != nil {
		return Key{}, fmt.Errorf("keyring: key %s: cannot unseal it (a different RECERT_KEY, or the stored key was changed)", id)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return Key{}, fmt.Errorf("keyring: key %s: %w", id, err)
	}
	k := Key{ID: id, Alg: alg, Created: created.UTC()}
	switch p := parsed.(type) {
	case ed25519.PrivateKey:
		if alg != EdDSA {
			return Key{}, fmt.Errorf("keyring: key %s: an Ed25519 key stored as %s", id, alg)
		}
		k.Private = p
	case *rsa.PrivateKey:
		if alg != RS256 {
			return Key{}, fmt.Errorf("keyring: key %s: an RSA key stored as %s", id, alg)
		}
		k.Private = p
	default:
		return Key{}, fmt.Errorf("keyring: key %s: unsupported key type %T", id, parsed)
	}
	return k, nil
}

func gcm(master []byte) (cipher.AEAD, error) {
	if len(master) != MasterKeySize {
		return nil, fmt.Errorf("%w: %d bytes, want %d", ErrMasterKey, len(master), MasterKeySize)
	}
	block, err := aes.NewCipher(master)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMasterKey, err)
	}
	return cipher.NewGCM(block)
}

// additional binds a sealed key to its id and algorithm.
func additional(id, alg string) []byte { return []byte("recert key\x00" + id + "\x00" + alg) }
