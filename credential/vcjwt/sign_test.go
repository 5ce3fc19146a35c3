package vcjwt

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestSignVerifyRoundTrip(t *testing.T) {
	cred := credential(t)
	for _, tc := range []struct {
		name string
		key  crypto.Signer
		kid  string
		alg  string
	}{
		{"EdDSA", edKey(), edKid, AlgEdDSA},
		{"RS256", rsaKey(), rsaKid, AlgRS256},
	} {
		t.Run(tc.name, func(t *testing.T) {
			token, err := Sign(cred, tc.key, tc.kid)
			if err != nil {
				t.Fatal(err)
			}
			got, hdr, err := Verify(token, resolver(nil))
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if !bytes.Equal(got, cred) {
				t.Errorf("payload differs from the credential signed:\n%s", got)
			}
			want := Header{Alg: tc.alg, Kid: tc.kid, Typ: Type, Cty: ContentType}
			if hdr != want {
				t.Errorf("header %+v, want %+v", hdr, want)
			}
			// The payload segment is the credential itself, not a JWT
			// claim set wrapping it.
			parts := strings.Split(token, ".")
			p, err := base64.RawURLEncoding.DecodeString(parts[1])
			if err != nil || !bytes.Equal(p, cred) {
				t.Errorf("JWS payload is not the credential bytes (err %v)", err)
			}
		})
	}
}

// opaqueSigner hides the concrete key type, as an HSM or KMS handle does.
type opaqueSigner struct{ crypto.Signer }

func TestSignWithOpaqueSigner(t *testing.T) {
	for _, key := range []crypto.Signer{edKey(), rsaKey()} {
		kid := edKid
		if _, ok := key.(*rsa.PrivateKey); ok {
			kid = rsaKid
		}
		token, err := Sign(credential(t), opaqueSigner{key}, kid)
		if err != nil {
			t.Fatalf("%T: %v", key, err)
		}
		if _, _, err := Verify(token, resolver(nil)); err != nil {
			t.Fatalf("%T: %v", key, err)
		}
	}
}

// TestSignGolden pins the exact EdDSA token (Ed25519 is deterministic), so
// a change of header, encoding or library shows up as a diff.
func TestSignGolden(t *testing.T) {
	token, err := Sign(credential(t), edKey(), edKid)
	if err != nil {
		t.Fatal(err)
	}
	const golden = "testdata/credential.eddsa.jwt"
	if *update {
		if err := os.WriteFile(golden, []byte(token+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if token != strings.TrimSpace(string(want)) {
		t.Errorf("token differs from %s:\n got %s\nwant %s", golden, token, want)
	}
	h, _ := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[0])
	var hdr map[string]any
	if err := json.Unmarshal(h, &hdr); err != nil {
		t.Fatal(err)
	}
	wantHdr := map[string]any{"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": edKid}
	if len(hdr) != len(wantHdr) {
		t.Errorf("header %v, want exactly %v", hdr, wantHdr)
	}
	for k, v := range wantHdr {
		if hdr[k] != v {
			t.Errorf("header %s = %v, want %v", k, hdr[k], v)
		}
	}
}

func TestSignRefuses(t *testing.T) {
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	good := credential(t)
	ctx := `"@context":["https://www.w3.org/ns/credentials/v2"]`
	for _, tc := range []struct {
		name string
		cred string
		key  crypto.Signer
		kid  string
		want error
	}{
		{"not JSON", `not json`, nil, "", ErrNotCredential},
		{"array", `[1,2]`, nil, "", ErrNotCredential},
		{"no @context", `{"type":["VerifiableCredential"]}`, nil, "", ErrNotCredential},
		{"VC 1.1 context", `{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiableCredential"]}`, nil, "", ErrNotCredential},
		{"v2 context not first", `{"@context":["https://example.com/x","https://www.w3.org/ns/credentials/v2"],"type":"VerifiableCredential"}`, nil, "", ErrNotCredential},
		{"no type", `{` + ctx + `}`, nil, "", ErrNotCredential},
		{"type without VerifiableCredential", `{` + ctx + `,"type":["OpenBadgeCredential"]}`, nil, "", ErrNotCredential},
		{"vc claim", `{` + ctx + `,"type":"VerifiableCredential","vc":{}}`, nil, "", ErrNotCredential},
		{"vp claim", `{` + ctx + `,"type":"VerifiableCredential","vp":{}}`, nil, "", ErrNotCredential},
		{"duplicate member", `{` + ctx + `,"type":"VerifiableCredential","type":"Other"}`, nil, "", ErrNotCredential},
		{"trailing garbage", `{` + ctx + `,"type":"VerifiableCredential"} x`, nil, "", ErrNotCredential},
		{"empty kid", string(good), nil, "-", ErrKey},
		{"nil key", string(good), opaqueSigner{}, "", ErrKey},
		{"RSA 1024", string(good), small, "", ErrKey},
		{"ECDSA", string(good), ec, "", ErrKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key, kid := tc.key, tc.kid
			if key == nil {
				key = edKey()
			}
			if o, ok := key.(opaqueSigner); ok && o.Signer == nil {
				key = nil
			}
			switch kid {
			case "":
				kid = edKid
			case "-":
				kid = ""
			}
			token, err := Sign([]byte(tc.cred), key, kid)
			if token != "" {
				t.Errorf("token %q returned with the error", token)
			}
			wantReason(t, err, tc.want)
		})
	}
}

// TestSignAcceptsStringForms covers the JSON-LD forms of @context and type
// that are a single string rather than an array.
func TestSignAcceptsStringForms(t *testing.T) {
	cred := `{"@context":"https://www.w3.org/ns/credentials/v2","type":"VerifiableCredential"}`
	token, err := Sign([]byte(cred), edKey(), edKid)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Verify(token, resolver(nil)); err != nil {
		t.Fatal(err)
	}
}
