package ob

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// The DID document's contexts. The document is served and read as plain
// JSON, so they are never fetched; they say which vocabulary the
// properties come from for readers that do process JSON-LD.
const (
	ContextDID      = "https://www.w3.org/ns/did/v1"
	ContextMultikey = "https://w3id.org/security/multikey/v1"
	ContextJWK      = "https://w3id.org/security/jwk/v1"
)

// VerificationKey is one public key of the issuer. An Ed25519 key is
// written as a Multikey (PublicKeyMultibase, base58btc "z…"); a key with no
// Multikey encoding in use (RSA) as a JsonWebKey from its public JWK. When
// both are given the Multikey form is used and the JWK is left to the JWKS.
type VerificationKey struct {
	ID                 string // fragment, e.g. "key-1"; the method's id is did#fragment
	PublicKeyMultibase string
	JWK                json.RawMessage
}

// DIDWeb turns recert's public URL into the issuer's did:web identifier:
// https://example.org → did:web:example.org, https://example.org:8443 →
// did:web:example.org%3A8443 (the did:web method percent-encodes the port's
// colon, which would otherwise separate path segments).
//
// The document is served at /.well-known/did.json, so the URL may have no
// path. did:web resolves over HTTPS only and forbids IP addresses; plain
// http is accepted for localhost alone, so a developer's server and the
// tests can name themselves, and it still yields the same DID a resolver
// would fetch over HTTPS.
func DIDWeb(publicURL string) (string, error) {
	u, err := url.Parse(publicURL)
	if err != nil {
		return "", fmt.Errorf("credential/ob: did:web of %q: %w", publicURL, err)
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && host == "localhost":
	default:
		return "", fmt.Errorf("credential/ob: did:web of %q: needs an https URL (http only for localhost)", publicURL)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", fmt.Errorf("credential/ob: did:web of %q: no user, query or fragment allowed", publicURL)
	}
	if u.Path != "" && u.Path != "/" {
		return "", fmt.Errorf("credential/ob: did:web of %q: has a path; the DID document is served at the host's /.well-known/did.json", publicURL)
	}
	return didForHost(u.Host)
}

var (
	hostname = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$`)
	fragment = regexp.MustCompile(`^[A-Za-z0-9._~-]+$`)
	digits   = regexp.MustCompile(`^[0-9]{1,5}$`)
)

// didForHost writes did:web:host for a URL's host part, host[:port].
func didForHost(hostport string) (string, error) {
	if strings.HasPrefix(hostport, "[") {
		return "", fmt.Errorf("credential/ob: did:web host %q: did:web does not allow IP addresses", hostport)
	}
	host, port := hostport, ""
	if i := strings.LastIndexByte(hostport, ':'); i >= 0 {
		host, port = hostport[:i], hostport[i+1:]
		if n, err := strconv.Atoi(port); !digits.MatchString(port) || err != nil || n < 1 || n > 65535 {
			return "", fmt.Errorf("credential/ob: did:web host %q: bad port", hostport)
		}
	}
	host = strings.ToLower(host)
	if net.ParseIP(strings.Trim(host, "[]")) != nil {
		return "", fmt.Errorf("credential/ob: did:web host %q: did:web does not allow IP addresses", hostport)
	}
	if !hostname.MatchString(host) {
		return "", fmt.Errorf("credential/ob: did:web host %q: not a domain name", hostport)
	}
	if port != "" {
		return "did:web:" + host + "%3A" + port, nil
	}
	return "did:web:" + host, nil
}

type didDocument struct {
	Context            []string             `json:"@context"`
	ID                 string               `json:"id"`
	VerificationMethod []verificationMethod `json:"verificationMethod"`
	AssertionMethod    []string             `json:"assertionMethod"`
}

type verificationMethod struct {
	ID                 string          `json:"id"`
	Type               string          `json:"type"`
	Controller         string          `json:"controller"`
	PublicKeyMultibase string          `json:"publicKeyMultibase,omitempty"`
	PublicKeyJwk       json.RawMessage `json:"publicKeyJwk,omitempty"`
}

// privateJWKMembers are the JWK members that carry private key material
// (RFC 7518 §6.2.2, §6.3.2, §6.4). A DID document is public: a key that
// has any of them is refused rather than published.
var privateJWKMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"}

// DIDDocument writes the did:web document of host (a URL's host[:port]),
// with every key as a verification method that may sign credentials
// (assertionMethod), in the order given: the newest key can come first
// while the earlier ones stay listed, so credentials they signed still
// verify after a rotation.
func DIDDocument(host string, keys []VerificationKey) ([]byte, error) {
	did, err := didForHost(host)
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("credential/ob: DID document of %s: no keys", did)
	}
	doc := didDocument{Context: []string{ContextDID, ContextMultikey}, ID: did}
	seen := map[string]bool{}
	withJWK := false
	for i, k := range keys {
		if !fragment.MatchString(k.ID) {
			return nil, fmt.Errorf("credential/ob: DID document of %s: key %d: id %q is not a fragment", did, i, k.ID)
		}
		if seen[k.ID] {
			return nil, fmt.Errorf("credential/ob: DID document of %s: key id %q twice", did, k.ID)
		}
		seen[k.ID] = true
		vm := verificationMethod{ID: did + "#" + k.ID, Controller: did}
		switch {
		case k.PublicKeyMultibase != "":
			if !strings.HasPrefix(k.PublicKeyMultibase, "z") || len(k.PublicKeyMultibase) < 2 {
				return nil, fmt.Errorf("credential/ob: DID document of %s: key %q: a Multikey is base58btc, starting with z", did, k.ID)
			}
			vm.Type, vm.PublicKeyMultibase = "Multikey", k.PublicKeyMultibase
		case len(k.JWK) > 0:
			jwk, err := publicJWK(k.JWK)
			if err != nil {
				return nil, fmt.Errorf("credential/ob: DID document of %s: key %q: %w", did, k.ID, err)
			}
			vm.Type, vm.PublicKeyJwk = "JsonWebKey", jwk
			withJWK = true
		default:
			return nil, fmt.Errorf("credential/ob: DID document of %s: key %q has neither a multibase nor a JWK", did, k.ID)
		}
		doc.VerificationMethod = append(doc.VerificationMethod, vm)
		doc.AssertionMethod = append(doc.AssertionMethod, vm.ID)
	}
	if withJWK {
		doc.Context = append(doc.Context, ContextJWK)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("credential/ob: DID document of %s: %w", did, err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// publicJWK checks that raw is a public JWK and compacts it, so the
// document's bytes do not depend on how the caller spaced it.
func publicJWK(raw json.RawMessage) (json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("JWK: %w", err)
	}
	if _, ok := m["kty"]; !ok {
		return nil, fmt.Errorf("JWK: no kty")
	}
	for _, name := range privateJWKMembers {
		if _, ok := m[name]; ok {
			return nil, fmt.Errorf("JWK has the private member %q; only public keys are published", name)
		}
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, fmt.Errorf("JWK: %w", err)
	}
	return buf.Bytes(), nil
}
