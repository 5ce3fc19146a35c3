package dataintegrity

import (
	"fmt"

	"github.com/piprate/json-gold/ld"
)

// Canonicalize returns the RDFC-1.0 canonical N-Quads of a JSON-LD
// document (a value decoded from JSON: maps, slices, strings, float64,
// bool, nil), resolving contexts with Loader only.
//
// json-gold's URDNA2015 is RDFC-1.0: the W3C test vector, canonicalised
// here byte for byte, is the check. Expansion runs in safe mode, so a
// property that expands to no IRI is an error instead of being dropped
// from what is signed: the signature must cover everything the document
// says. A panic inside json-gold on a malformed document becomes an
// error, because the document comes from whoever asks for verification.
func Canonicalize(doc any) (nquads string, err error) {
	defer func() {
		if r := recover(); r != nil {
			nquads, err = "", fmt.Errorf("canonicalising JSON-LD: json-gold failed on this document: %v", r)
		}
	}()
	proc := ld.NewJsonLdProcessor()

	opts := ld.NewJsonLdOptions("")
	opts.DocumentLoader = Loader{}
	opts.ProcessingMode = ld.JsonLd_1_1
	opts.SafeMode = true
	// ToRDF, not Normalize: json-gold's Normalize builds its own ToRDF
	// options and would lose SafeMode.
	dataset, err := proc.ToRDF(doc, opts)
	if err != nil {
		return "", fmt.Errorf("canonicalising JSON-LD: to RDF: %w", err)
	}
	ds, ok := dataset.(*ld.RDFDataset)
	if !ok {
		return "", fmt.Errorf("canonicalising JSON-LD: to RDF gave %T, not a dataset", dataset)
	}
	if err := checkBlankNodes(ds); err != nil {
		return "", fmt.Errorf("canonicalising JSON-LD: %w", err)
	}

	norm := ld.NewJsonLdOptions("")
	norm.Algorithm = ld.AlgorithmURDNA2015
	norm.Format = "application/n-quads"
	out, err := ld.NewJsonLdApi().Normalize(ds, norm)
	if err != nil {
		return "", fmt.Errorf("canonicalising JSON-LD: RDFC-1.0: %w", err)
	}
	s, ok := out.(string)
	if !ok {
		return "", fmt.Errorf("canonicalising JSON-LD: RDFC-1.0 gave %T, not N-Quads", out)
	}
	return s, nil
}
