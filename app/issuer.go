package app

import "context"

// IssuerIdentity is what the issuer publishes so that anyone can check its
// credentials without asking it: its did:web document and its JWKS, every
// key it ever signed with. The credential adapter fills it.
type IssuerIdentity interface {
	DIDDocument() ([]byte, error)
	JWKS() ([]byte, error)
}

// WithIssuer publishes the issuer's keys.
func WithIssuer(i IssuerIdentity) Option { return func(a *App) { a.issuer = i } }

// DIDDocument is the issuer's did.json; anyone may read it.
func (a *App) DIDDocument(ctx context.Context) ([]byte, error) {
	if a.issuer == nil {
		return nil, &Error{Code: CodeNotFound, Message: "this server issues no credentials (no issuer keys)"}
	}
	b, err := a.issuer.DIDDocument()
	if err != nil {
		return nil, &Error{Code: CodeInternal, Message: "the issuer's DID document cannot be made", Err: err}
	}
	return b, nil
}

// JWKS is the issuer's jwks.json; anyone may read it.
func (a *App) JWKS(ctx context.Context) ([]byte, error) {
	if a.issuer == nil {
		return nil, &Error{Code: CodeNotFound, Message: "this server issues no credentials (no issuer keys)"}
	}
	b, err := a.issuer.JWKS()
	if err != nil {
		return nil, &Error{Code: CodeInternal, Message: "the issuer's JWKS cannot be made", Err: err}
	}
	return b, nil
}
