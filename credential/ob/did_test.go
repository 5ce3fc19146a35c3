package ob

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestDIDWeb(t *testing.T) {
	cases := []struct{ url, did, err string }{
		{"https://certs.example.org", "did:web:certs.example.org", ""},
		{"https://certs.example.org/", "did:web:certs.example.org", ""},
		{"https://Certs.Example.ORG", "did:web:certs.example.org", ""},
		{"https://certs.example.org:8443", "did:web:certs.example.org%3A8443", ""},
		{"http://localhost:8080", "did:web:localhost%3A8080", ""},
		{"http://localhost", "did:web:localhost", ""},
		{"http://certs.example.org", "", "needs an https URL"},
		{"ftp://certs.example.org", "", "needs an https URL"},
		{"certs.example.org", "", "needs an https URL"},
		{"https://certs.example.org/recert", "", "has a path"},
		{"https://certs.example.org/?a=b", "", "no user, query or fragment"},
		{"https://user@certs.example.org", "", "no user, query or fragment"},
		{"https://127.0.0.1:8443", "", "does not allow IP addresses"},
		{"http://127.0.0.1:8080", "", "needs an https URL"},
		{"https://[::1]:8443", "", "does not allow IP addresses"},
		{"https://certs_example.org", "", "not a domain name"},
		{"https://certs.example.org:", "", "bad port"},
		{"https://certs.example.org:84430", "", "bad port"},
	}
	for _, tc := range cases {
		got, err := DIDWeb(tc.url)
		switch {
		case tc.err == "" && (err != nil || got != tc.did):
			t.Errorf("DIDWeb(%q) = %q, %v; want %q", tc.url, got, err, tc.did)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("DIDWeb(%q) = %q, %v; want an error saying %q", tc.url, got, err, tc.err)
		}
	}
}

var (
	edKey  = VerificationKey{ID: "key-2", PublicKeyMultibase: "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"}
	rsaKey = VerificationKey{ID: "key-1", JWK: json.RawMessage(`{ "kty": "RSA", "e": "AQAB",
		"n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
		"alg": "RS256" }`)}
)

func TestDIDDocumentGolden(t *testing.T) {
	b, err := DIDDocument("certs.example.org:8443", []VerificationKey{edKey, rsaKey})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "did.json", b)
	var doc struct {
		ID                 string
		VerificationMethod []struct{ ID, Type, Controller string }
		AssertionMethod    []string
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	const did = "did:web:certs.example.org%3A8443"
	if doc.ID != did || len(doc.VerificationMethod) != 2 || len(doc.AssertionMethod) != 2 {
		t.Fatalf("document %+v", doc)
	}
	for i, vm := range doc.VerificationMethod {
		if vm.Controller != did || doc.AssertionMethod[i] != vm.ID || !strings.HasPrefix(vm.ID, did+"#") {
			t.Errorf("method %d %+v is not controlled by %s and listed in assertionMethod", i, vm, did)
		}
	}
	if doc.VerificationMethod[0].Type != "Multikey" || doc.VerificationMethod[1].Type != "JsonWebKey" {
		t.Errorf("types %+v: want the Ed25519 key as Multikey, the RSA key as JsonWebKey", doc.VerificationMethod)
	}
	only, err := DIDDocument("certs.example.org", []VerificationKey{edKey})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(only), ContextJWK) {
		t.Error("a document of Multikeys only names the JWK context")
	}
}

func TestDIDDocumentRefuses(t *testing.T) {
	withPrivate := VerificationKey{ID: "key-3", JWK: json.RawMessage(`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}`)}
	cases := []struct {
		name, host, want string
		keys             []VerificationKey
	}{
		{"private JWK", "certs.example.org", `private member "d"`, []VerificationKey{withPrivate}},
		{"JWK without kty", "certs.example.org", "no kty", []VerificationKey{{ID: "k", JWK: json.RawMessage(`{"n":"x"}`)}}},
		{"JWK not JSON", "certs.example.org", "JWK", []VerificationKey{{ID: "k", JWK: json.RawMessage(`{`)}}},
		{"multibase not base58btc", "certs.example.org", "starting with z", []VerificationKey{{ID: "k", PublicKeyMultibase: "u7QE"}}},
		{"no key material", "certs.example.org", "neither a multibase nor a JWK", []VerificationKey{{ID: "k"}}},
		{"fragment with #", "certs.example.org", "is not a fragment", []VerificationKey{{ID: "#key-1", PublicKeyMultibase: edKey.PublicKeyMultibase}}},
		{"duplicate id", "certs.example.org", "twice", []VerificationKey{edKey, edKey}},
		{"no keys", "certs.example.org", "no keys", nil},
		{"IP host", "10.0.0.1", "IP addresses", []VerificationKey{edKey}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := DIDDocument(tc.host, tc.keys)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %s, %v; want an error saying %q", b, err, tc.want)
			}
		})
	}
}
