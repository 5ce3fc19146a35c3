package httpapi

import (
	"net/http"
	"strconv"
)

// didDocument serves the issuer's did:web document, where did:web says a
// resolver looks for it. Public: verifiers need no token.
func didDocument(s *server, w http.ResponseWriter, r *http.Request) error {
	b, err := s.app.DIDDocument(r.Context())
	if err != nil {
		return err
	}
	publicJSON(w, "application/did+json", b)
	return nil
}

// jwks serves the issuer's keys as a JWK Set (RFC 7517), for VC-JWT
// verifiers.
func jwks(s *server, w http.ResponseWriter, r *http.Request) error {
	b, err := s.app.JWKS(r.Context())
	if err != nil {
		return err
	}
	publicJSON(w, "application/jwk-set+json", b)
	return nil
}

// publicJSON answers a public document that changes only when keys rotate:
// caches may keep it five minutes.
func publicJSON(w http.ResponseWriter, contentType string, b []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// statusList serves a signed Bitstring Status List credential. A verifier
// may cache it for its ttl, and no longer: that is how long a revocation
// takes to be seen.
func statusList(s *server, w http.ResponseWriter, r *http.Request) error {
	b, ttl, err := s.app.StatusList(r.Context(), r.PathValue("purpose"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vc")
	w.Header().Set("Cache-Control", "public, max-age="+strconv.Itoa(int(ttl.Seconds())))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
	return nil
}
