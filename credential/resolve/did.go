package resolve

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"strings"

	"github.com/recert/recert/credential/dataintegrity"
)

// Document is an issuer's did:web document, reduced to what verifying
// needs: the keys it lists as assertion methods (the ones that may sign
// credentials), by verification method id.
type Document struct {
	ID   string
	keys map[string]crypto.PublicKey
}

// ParseDocument reads a DID document and checks it is the one of did: its
// id is did, and every key it asserts with is did's own (controller and
// id under did). A key only listed, not in assertionMethod, is left out:
// the issuer has not said it signs credentials.
func ParseDocument(did string, b []byte) (*Document, error) {
	var doc struct {
		ID                 string `json:"id"`
		VerificationMethod []struct {
			ID                 string          `json:"id"`
			Type               string          `json:"type"`
			Controller         string          `json:"controller"`
			PublicKeyMultibase string          `json:"publicKeyMultibase"`
			PublicKeyJwk       json.RawMessage `json:"publicKeyJwk"`
		} `json:"verificationMethod"`
		AssertionMethod []json.RawMessage `json:"assertionMethod"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("resolve: DID document of %s: %w", did, err)
	}
	if doc.ID != did {
		return nil, fmt.Errorf("resolve: DID document of %s: it names itself %q", did, doc.ID)
	}
	asserts := map[string]bool{}
	for _, raw := range doc.AssertionMethod {
		var ref string
		if json.Unmarshal(raw, &ref) == nil {
			asserts[ref] = true
		}
	}
	d := &Document{ID: did, keys: map[string]crypto.PublicKey{}}
	for _, vm := range doc.VerificationMethod {
		if !asserts[vm.ID] {
			continue
		}
		if !strings.HasPrefix(vm.ID, did+"#") || vm.Controller != did {
			return nil, fmt.Errorf("resolve: DID document of %s: key %q belongs to %q", did, vm.ID, vm.Controller)
		}
		var key crypto.PublicKey
		var err error
		switch vm.Type {
		case "Multikey":
			key, err = dataintegrity.ParsePublicKeyMultibase(vm.PublicKeyMultibase)
		case "JsonWebKey", "JsonWebKey2020":
			key, err = parseJWK(vm.PublicKeyJwk)
		default:
			err = fmt.Errorf("type %q is neither Multikey nor JsonWebKey", vm.Type)
		}
		if err != nil {
			return nil, fmt.Errorf("resolve: DID document of %s: key %s: %w", did, vm.ID, err)
		}
		d.keys[vm.ID] = key
	}
	if len(d.keys) == 0 {
		return nil, fmt.Errorf("resolve: DID document of %s: no key to sign credentials with (assertionMethod)", did)
	}
	return d, nil
}

// Key is the public key of a verification method of the document.
func (d *Document) Key(verificationMethod string) (crypto.PublicKey, error) {
	if k, ok := d.keys[verificationMethod]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("%s is not a key of %s's DID document", verificationMethod, d.ID)
}

// parseJWK reads a public JWK of the two kinds recert publishes: RSA and
// Ed25519 (OKP). Anything with private members is refused.
func parseJWK(raw json.RawMessage) (crypto.PublicKey, error) {
	var k struct {
		Kty, Crv, X, N, E, D string
	}
	if err := json.Unmarshal(raw, &k); err != nil {
		return nil, fmt.Errorf("publicKeyJwk: %w", err)
	}
	if k.D != "" {
		return nil, errors.New("publicKeyJwk has a private member")
	}
	b64 := base64.RawURLEncoding
	switch {
	case k.Kty == "OKP" && k.Crv == "Ed25519":
		x, err := b64.DecodeString(k.X)
		if err != nil || len(x) != ed25519.PublicKeySize {
			return nil, errors.New("publicKeyJwk: x is not a 32-byte base64url Ed25519 key")
		}
		return ed25519.PublicKey(x), nil
	case k.Kty == "RSA":
		n, err1 := b64.DecodeString(k.N)
		e, err2 := b64.DecodeString(k.E)
		if err1 != nil || err2 != nil || len(e) == 0 || len(e) > 4 {
			return nil, errors.New("publicKeyJwk: n or e is not base64url")
		}
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		if pub.N.BitLen() < 2048 || pub.E < 3 || pub.E%2 == 0 {
			return nil, fmt.Errorf("publicKeyJwk: an RSA key of %d bits (want at least 2048) or a bad exponent", pub.N.BitLen())
		}
		return pub, nil
	}
	return nil, fmt.Errorf("publicKeyJwk: kty %q crv %q is neither RSA nor Ed25519", k.Kty, k.Crv)
}

// DocumentURL is where did:web says did's document is: did:web:host%3Aport
// is https://host:port/.well-known/did.json, and path segments after the
// host (did:web:host:a:b) give https://host/a/b/did.json. A loopback host
// (localhost, 127.0.0.1, ::1) is fetched over plain http, so a server on
// this machine without TLS can be verified; every other host over https.
func DocumentURL(did string) (string, error) {
	rest, ok := strings.CutPrefix(did, "did:web:")
	if !ok || rest == "" {
		return "", fmt.Errorf("resolve: %q is not a did:web identifier", did)
	}
	segs := strings.Split(rest, ":")
	host, err := url.PathUnescape(segs[0])
	if err != nil || host == "" || strings.ContainsAny(host, "/?#@ ") {
		return "", fmt.Errorf("resolve: %q: bad host %q", did, segs[0])
	}
	path := "/.well-known"
	if len(segs) > 1 {
		path = ""
		for _, s := range segs[1:] {
			p, err := url.PathUnescape(s)
			if err != nil || p == "" || strings.ContainsAny(p, "/?#") || p == "." || p == ".." {
				return "", fmt.Errorf("resolve: %q: bad path segment %q", did, s)
			}
			path += "/" + url.PathEscape(p)
		}
	}
	scheme := "https"
	if Loopback(hostOnly(host)) {
		scheme = "http"
	}
	u := scheme + "://" + host + path + "/did.json"
	if _, err := url.Parse(u); err != nil {
		return "", fmt.Errorf("resolve: %q: %w", did, err)
	}
	return u, nil
}

// hostOnly drops a port from host[:port] (and the brackets of [::1]).
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.Trim(hostport, "[]")
}

// Loopback says whether host names this machine: the only hosts plain
// http is allowed for.
func Loopback(host string) bool {
	switch strings.ToLower(host) {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
}

// DIDOf is the DID part of a verification method id (did:web:host#key-1).
func DIDOf(verificationMethod string) string {
	did, _, _ := strings.Cut(verificationMethod, "#")
	return did
}
