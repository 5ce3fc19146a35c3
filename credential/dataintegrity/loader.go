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
	"sync"

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

// LoadDocument returns the pinned copy of the context at u. Each file is
// decoded once; each load gets its own deep copy, so that nothing json-gold
// does to one load's document can reach the next.
func (Loader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	parse, ok := parsed[u]
	if !ok {
		return nil, fmt.Errorf("loading JSON-LD context %q: %w", u, ErrUnknownContext)
	}
	doc, err := parse()
	if err != nil {
		return nil, err
	}
	return &ld.RemoteDocument{DocumentURL: u, Document: deepCopy(doc)}, nil
}

// parsed holds, for each pinned URL, its file decoded on first use.
var parsed = func() map[string]func() (any, error) {
	out := make(map[string]func() (any, error), len(pinned))
	for u, name := range pinned {
		out[u] = sync.OnceValues(func() (any, error) {
			raw, err := contextFiles.ReadFile(name)
			if err != nil {
				return nil, fmt.Errorf("loading JSON-LD context %q from %s: %w", u, name, err)
			}
			var doc any
			if err := json.NewDecoder(bytes.NewReader(raw)).Decode(&doc); err != nil {
				return nil, fmt.Errorf("parsing JSON-LD context %q from %s: %w", u, name, err)
			}
			return doc, nil
		})
	}
	return out
}()

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, c := range v {
			m[k] = deepCopy(c)
		}
		return m
	case []any:
		l := make([]any, len(v))
		for i, c := range v {
			l[i] = deepCopy(c)
		}
		return l
	default:
		return v
	}
}

// Contexts lists the context URLs the loader serves, sorted.
func Contexts() []string {
	return slices.Sorted(maps.Keys(pinned))
}
