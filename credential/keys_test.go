package credential_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/recert/recert/credential"
	"github.com/recert/recert/credential/keyring"
	"github.com/recert/recert/credential/vcjwt"
	"github.com/recert/recert/internal/pgtest"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/postgres"
	"github.com/recert/recert/ledger/sqlite"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var now = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

func masterKey(t *testing.T) []byte {
	b := make([]byte, keyring.MasterKeySize)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func eachStore(t *testing.T, f func(t *testing.T, st ledger.Store, path string)) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "keys.db")
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		f(t, db, path)
	})
	t.Run("postgres", func(t *testing.T) {
		db, err := postgres.Open(context.Background(), pgtest.Server(t).NewDatabase(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		f(t, db, "")
	})
}

// TestKeysFirstStartAndRotation: the first start makes an EdDSA and an RSA
// key; the next start finds the same ones; a wrong master key cannot open
// them; after a rotation the new key signs, and a credential signed before
// it still verifies, because every key stays in did.json and the JWKS. The
// database never holds a private key in the clear.
func TestKeysFirstStartAndRotation(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store, path string) {
		ctx := context.Background()
		m := masterKey(t)
		ks, err := credential.OpenKeys(ctx, st, m, "https://recert.example.org", now)
		if err != nil {
			t.Fatal(err)
		}
		if ks.DID() != "did:web:recert.example.org" {
			t.Fatalf("DID %s", ks.DID())
		}
		again, err := credential.OpenKeys(ctx, st, m, "https://recert.example.org", now.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		first := ks.Issuer()
		if again.Issuer().Key.ID != first.Key.ID || !bytes.Equal(again.Issuer().Key.Public().(ed25519.PublicKey), first.Key.Public().(ed25519.PublicKey)) {
			t.Fatal("a second start made other keys; want the stored ones")
		}
		if _, err := credential.OpenKeys(ctx, st, masterKey(t), "https://recert.example.org", now); err == nil {
			t.Fatal("opened with another master key; want refused")
		}
		cred := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:web:recert.example.org"}`)
		old, err := vcjwt.Sign(cred, first.Key.Private, first.VerificationMethod())
		if err != nil {
			t.Fatal(err)
		}
		// A rotation under another master key is refused, storing nothing:
		// it would leave keys no one master key opens.
		if _, err := credential.RotateKeys(ctx, st, masterKey(t), keyring.EdDSA, now.AddDate(0, 1, 0)); err == nil || !strings.Contains(err.Error(), "does not open the stored keys") {
			t.Fatalf("rotating under another master key: %v; want refused", err)
		}
		if _, err := credential.OpenKeys(ctx, st, m, "https://recert.example.org", now); err != nil {
			t.Fatalf("after a refused rotation the issuer cannot start: %v", err)
		}
		if _, err := credential.RotateKeys(ctx, st, m, keyring.EdDSA, now.AddDate(0, 1, 0)); err != nil {
			t.Fatal(err)
		}
		rotated, err := credential.OpenKeys(ctx, st, m, "https://recert.example.org", now.AddDate(0, 1, 0))
		if err != nil {
			t.Fatal(err)
		}
		if rotated.Issuer().Key.ID == first.Key.ID {
			t.Fatal("after a rotation the old key still signs")
		}
		if _, _, err := vcjwt.Verify(old, rotated.PublicKey); err != nil {
			t.Fatalf("a credential signed before the rotation: %v; want it to verify", err)
		}
		var did struct {
			VerificationMethod []map[string]any `json:"verificationMethod"`
			AssertionMethod    []any            `json:"assertionMethod"`
		}
		b, err := rotated.DIDDocument()
		if err != nil || json.Unmarshal(b, &did) != nil || len(did.VerificationMethod) != 3 || len(did.AssertionMethod) != 3 {
			t.Fatalf("did.json (%v): %s; want three keys, each an assertion method", err, b)
		}
		var jwks struct {
			Keys []map[string]any `json:"keys"`
		}
		if b, err := rotated.JWKS(); err != nil || json.Unmarshal(b, &jwks) != nil || len(jwks.Keys) != 3 {
			t.Fatalf("jwks.json (%v): %s; want three keys", err, b)
		}
		if path != "" {
			st.Close()
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			wal, _ := os.ReadFile(path + "-wal")
			seed := first.Key.Private.(ed25519.PrivateKey).Seed()
			if bytes.Contains(raw, seed) || bytes.Contains(wal, seed) {
				t.Fatal("the database file holds the private key in the clear")
			}
		}
	})
}
