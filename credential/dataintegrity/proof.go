package dataintegrity

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

const (
	// ProofType is the only proof type this package makes and accepts.
	ProofType = "DataIntegrityProof"
	// Cryptosuite is the only cryptosuite this package makes and accepts.
	Cryptosuite = "eddsa-rdfc-2022"
	// AssertionMethod is the proof purpose of an issuer's credential.
	AssertionMethod = "assertionMethod"
)

// Errors Verify wraps, so that a caller can say which check failed.
var (
	ErrNoProof             = errors.New("document has no proof")
	ErrProofType           = errors.New("proof type is not " + ProofType)
	ErrUnknownCryptosuite  = errors.New("unknown cryptosuite")
	ErrProofPurpose        = errors.New("unexpected proof purpose")
	ErrProofValueEncoding  = errors.New("bad proofValue encoding")
	ErrSignatureMismatch   = errors.New("signature does not match the document")
	ErrVerificationMethod  = errors.New("verification method could not be resolved")
	ErrMalformedProof      = errors.New("malformed proof")
	ErrMalformedCredential = errors.New("malformed document")
)

// ProofOptions says who signs, when and for what.
type ProofOptions struct {
	// VerificationMethod is the URL of the public key (a DID URL such as
	// did:web:example.com#key-1) a verifier resolves.
	VerificationMethod string
	// Created is written at second precision in UTC; the zero time leaves
	// created out (it is optional), so signing needs no clock.
	Created time.Time
	// ProofPurpose defaults to assertionMethod.
	ProofPurpose string
}

// proof is the proof object as written: the field order of the
// specification's examples.
type proof struct {
	Type               string `json:"type"`
	Cryptosuite        string `json:"cryptosuite"`
	Created            string `json:"created,omitempty"`
	VerificationMethod string `json:"verificationMethod"`
	ProofPurpose       string `json:"proofPurpose"`
	ProofValue         string `json:"proofValue"`
}

// Sign returns doc, a JSON-LD object without a proof, with an
// eddsa-rdfc-2022 DataIntegrityProof added as its last member. The rest of
// doc is kept byte for byte.
func Sign(doc []byte, key ed25519.PrivateKey, opts ProofOptions) ([]byte, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("signing: Ed25519 private key of %d bytes, want %d", len(key), ed25519.PrivateKeySize)
	}
	if opts.VerificationMethod == "" {
		return nil, errors.New("signing: no verification method")
	}
	if opts.ProofPurpose == "" {
		opts.ProofPurpose = AssertionMethod
	}
	unsecured, err := parseDocument(doc)
	if err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	if _, has := unsecured["proof"]; has {
		return nil, errors.New("signing: document already has a proof")
	}
	p := proof{
		Type:               ProofType,
		Cryptosuite:        Cryptosuite,
		VerificationMethod: opts.VerificationMethod,
		ProofPurpose:       opts.ProofPurpose,
	}
	if !opts.Created.IsZero() {
		p.Created = opts.Created.UTC().Truncate(time.Second).Format(time.RFC3339)
	}
	config := map[string]any{
		"type":               p.Type,
		"cryptosuite":        p.Cryptosuite,
		"verificationMethod": p.VerificationMethod,
		"proofPurpose":       p.ProofPurpose,
	}
	if p.Created != "" {
		config["created"] = p.Created
	}
	hash, err := hashData(unsecured, config)
	if err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	p.ProofValue = "z" + base58Encode(ed25519.Sign(key, hash))

	encoded, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("signing: encoding the proof: %w", err)
	}
	// parseDocument accepted an object, so the last byte that is not
	// space is its closing brace, and it has members: @context at least.
	body := bytes.TrimRight(doc, " \t\r\n")
	out := make([]byte, 0, len(body)+len(encoded)+12)
	out = append(out, body[:len(body)-1]...)
	out = append(out, `,"proof":`...)
	out = append(out, encoded...)
	out = append(out, '}')
	return out, nil
}

// hashData is the cryptosuite's transformation, proof configuration and
// hashing: the SHA-256 of the canonical proof configuration (given the
// document's @context) followed by that of the canonical document.
func hashData(unsecured, config map[string]any) ([]byte, error) {
	ctx, has := unsecured["@context"]
	if !has {
		return nil, fmt.Errorf("%w: no @context", ErrMalformedCredential)
	}
	if created, has := config["created"]; has {
		s, ok := created.(string)
		if !ok {
			return nil, fmt.Errorf("%w: created is not a string", ErrMalformedProof)
		}
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			return nil, fmt.Errorf("%w: created %q is not a date-time: %w", ErrMalformedProof, s, err)
		}
	}
	config["@context"] = ctx
	canonConfig, err := Canonicalize(config)
	if err != nil {
		return nil, fmt.Errorf("proof configuration: %w", err)
	}
	canonDoc, err := Canonicalize(unsecured)
	if err != nil {
		return nil, fmt.Errorf("document: %w", err)
	}
	configHash := sha256.Sum256([]byte(canonConfig))
	docHash := sha256.Sum256([]byte(canonDoc))
	return slices.Concat(configHash[:], docHash[:]), nil
}

// Verify checks doc's eddsa-rdfc-2022 proof made for assertionMethod:
// its type, cryptosuite and purpose, then the signature over the
// canonical document and proof configuration, with the key resolve
// returns for the proof's verification method. resolve is where the
// caller decides which keys it trusts for which issuer.
func Verify(doc []byte, resolve func(verificationMethod string) (ed25519.PublicKey, error)) error {
	secured, err := parseDocument(doc)
	if err != nil {
		return fmt.Errorf("verifying: %w: %w", ErrMalformedCredential, err)
	}
	raw, has := secured["proof"]
	if !has {
		return fmt.Errorf("verifying: %w", ErrNoProof)
	}
	options, ok := raw.(map[string]any)
	if !ok {
		return fmt.Errorf("verifying: %w: proof is a %s, not one object (proof sets are not supported)", ErrMalformedProof, jsonKind(raw))
	}
	unsecured := make(map[string]any, len(secured))
	for k, v := range secured {
		if k != "proof" {
			unsecured[k] = v
		}
	}
	if t, _ := options["type"].(string); t != ProofType {
		return fmt.Errorf("verifying: %w: %v", ErrProofType, options["type"])
	}
	if cs, _ := options["cryptosuite"].(string); cs != Cryptosuite {
		return fmt.Errorf("verifying: %w: %v (want %s)", ErrUnknownCryptosuite, options["cryptosuite"], Cryptosuite)
	}
	if pp, _ := options["proofPurpose"].(string); pp != AssertionMethod {
		return fmt.Errorf("verifying: %w: %v (want %s)", ErrProofPurpose, options["proofPurpose"], AssertionMethod)
	}
	vm, _ := options["verificationMethod"].(string)
	if vm == "" {
		return fmt.Errorf("verifying: %w: no verificationMethod", ErrMalformedProof)
	}
	value, _ := options["proofValue"].(string)
	signature, err := decodeMultibase(value)
	if err != nil {
		return fmt.Errorf("verifying: %w: %w", ErrProofValueEncoding, err)
	}
	if len(signature) != ed25519.SignatureSize {
		return fmt.Errorf("verifying: %w: signature of %d bytes, want %d", ErrProofValueEncoding, len(signature), ed25519.SignatureSize)
	}
	config := make(map[string]any, len(options))
	for k, v := range options {
		if k != "proofValue" {
			config[k] = v
		}
	}
	if pctx, has := config["@context"]; has {
		// The proof names the contexts it was made with; the document
		// must start with the same ones, in order, and is read with them.
		if !contextPrefix(pctx, unsecured["@context"]) {
			return fmt.Errorf("verifying: %w: the document's @context does not start with the proof's", ErrMalformedProof)
		}
		unsecured["@context"] = pctx
		delete(config, "@context")
	}
	pub, err := resolve(vm)
	if err != nil {
		return fmt.Errorf("verifying: %w: %s: %w", ErrVerificationMethod, vm, err)
	}
	if len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("verifying: %w: %s gave a key of %d bytes", ErrVerificationMethod, vm, len(pub))
	}
	hash, err := hashData(unsecured, config)
	if err != nil {
		return fmt.Errorf("verifying: %w", err)
	}
	if !ed25519.Verify(pub, hash, signature) {
		return fmt.Errorf("verifying: %w (verification method %s)", ErrSignatureMismatch, vm)
	}
	return nil
}

// contextPrefix reports whether the document's @context starts with the
// proof's (each either one value or an array).
func contextPrefix(proofCtx, docCtx any) bool {
	p, d := asList(proofCtx), asList(docCtx)
	if len(p) > len(d) {
		return false
	}
	for i := range p {
		a, _ := json.Marshal(p[i])
		b, _ := json.Marshal(d[i])
		if !bytes.Equal(a, b) {
			return false
		}
	}
	return true
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case string:
		return "string"
	case nil:
		return "null"
	default:
		return fmt.Sprintf("%T", v)
	}
}
