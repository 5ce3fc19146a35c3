// Package dataintegrity secures JSON-LD credentials with W3C Data Integrity
// proofs of the eddsa-rdfc-2022 cryptosuite (W3C "Data Integrity EdDSA
// Cryptosuites v1.0"): the document and the proof configuration are
// canonicalised with RDF Dataset Canonicalization (RDFC-1.0) by json-gold,
// hashed with SHA-256 and signed with Ed25519.
//
// Canonicalisation reads the documents named in @context, so what a
// signature covers depends on them: the package resolves contexts only from
// copies pinned inside it (contexts/), never from the network.
package dataintegrity

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/piprate/json-gold/ld"
)

//go:embed contexts/*.json contexts/*.jsonld
var contextFiles embed.FS

// pinned maps each context URL the package serves to its embedded copy.
var pinned = map[string]string{
	"https://www.w3.org/ns/credentials/v2":                       "contexts/credentials-v2.jsonld",
	"https://www.w3.org/ns/credentials/examples/v2":              "contexts/credentials-examples-v2.jsonld",
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "contexts/ob-context-3.0.3.json",
}

// Loader is a json-gold DocumentLoader that serves only the pinned contexts.
// A context fetched at verification time could differ from the one the
// issuer signed against (or be changed by whoever serves it, redefining
// what a term means), and a verifier must not reach out to URLs an
// untrusted document names; so every other URL is refused, naming it.
type Loader struct{}

var _ ld.DocumentLoader = Loader{}

// ErrUnknownContext is wrapped by the error for a URL the loader does not
// serve.
var ErrUnknownContext = fmt.Errorf("context URL is not one of the pinned contexts")

// LoadDocument returns the pinned copy of the context at u, parsed afresh
// each time so that nothing json-gold does to one load affects the next.
func (Loader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	name, ok := pinned[u]
	if !ok {
		return nil, fmt.Errorf("loading JSON-LD context %q: %w", u, ErrUnknownContext)
	}
	raw, err := contextFiles.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("loading JSON-LD context %q from %s: %w", u, name, err)
	}
	var doc any
	if err := json.NewDecoder(bytes.NewReader(raw)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("parsing JSON-LD context %q from %s: %w", u, name, err)
	}
	return &ld.RemoteDocument{DocumentURL: u, Document: doc}, nil
}

// Contexts lists the context URLs the loader serves, sorted.
func Contexts() []string {
	return slices.Sorted(maps.Keys(pinned))
}
