package httpapi

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"time"

	"github.com/recert/recert/app"
)

// maxVerifyBody bounds one credential to verify: recert's own are a few
// KiB in either form.
const maxVerifyBody = 64 << 10

// The media types POST /v1/verify reads.
var (
	jwtTypes    = map[string]bool{"application/vc+jwt": true, "text/plain": true}
	ldTypes     = map[string]bool{"application/vc": true, "application/vc+ld+json": true, "application/ld+json": true}
	verifyTypes = []string{"application/json", "application/vc+jwt", "text/plain", "application/vc", "application/vc+ld+json", "application/ld+json"}
)

// readOnlyPosts are the POST routes that store nothing: they are POSTs
// only because a credential or a roster is too big for a URL, so
// Idempotency-Key does not apply to them and nothing is replayed.
var readOnlyPosts = map[string]bool{"/v1/verify": true, "/v1/verify/batch": true, "/v1/verify/roster": true}

// verifyRequest is the JSON wrapper: exactly one member.
type verifyRequest struct {
	Credential json.RawMessage `json:"credential"`
	ID         *string         `json:"id"`
	URL        *string         `json:"url"`
}

// verifyCredential is POST /v1/verify: public and read-only. Any
// credential it could read is 200, an invalid one included (the answer
// says which check failed); only an unreadable request is 4xx. It stores
// nothing, so Idempotency-Key does not apply: a retry is answered afresh
// (and an unauthenticated caller could otherwise fill the key table).
func verifyCredential(s *server, w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(w, r, maxVerifyBody, verifyTypes...)
	if err != nil {
		return err
	}
	v, err := verifyBody(s.app, r, body)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, verificationOut(v))
}

// verifyBody verifies what the body holds, by its media type: a VC-JWT,
// a JSON-LD credential, or the JSON wrapper.
func verifyBody(a *app.App, r *http.Request, body []byte) (app.Verification, error) {
	mt := "application/json"
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, _ = mime.ParseMediaType(ct) // readBody checked it
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return app.Verification{}, fail(app.CodeInvalid, "", "the body is empty: send a credential (a VC-JWT or a JSON-LD credential) or {\"id\": …}")
	}
	switch {
	case jwtTypes[mt], ldTypes[mt]:
		return a.VerifyCredential(r.Context(), trimmed)
	case trimmed[0] == '{' && isCredential(trimmed):
		return a.VerifyCredential(r.Context(), trimmed)
	}
	var in verifyRequest
	if err := decodeJSON(trimmed, &in, false); err != nil {
		return app.Verification{}, err
	}
	n := 0
	for _, set := range []bool{len(in.Credential) > 0 && string(in.Credential) != "null", in.ID != nil, in.URL != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return app.Verification{}, fail(app.CodeInvalid, "", "send exactly one of credential, id and url")
	}
	switch {
	case in.ID != nil:
		return a.VerifyStored(r.Context(), *in.ID)
	case in.URL != nil:
		return a.VerifyStored(r.Context(), *in.URL)
	}
	var jwt string
	if json.Unmarshal(in.Credential, &jwt) == nil {
		return a.VerifyCredential(r.Context(), []byte(jwt))
	}
	if in.Credential[0] != '{' {
		return app.Verification{}, fail(app.CodeInvalid, "credential", "credential must be a VC-JWT (a string) or a JSON-LD credential (an object)")
	}
	return a.VerifyCredential(r.Context(), in.Credential)
}

// isCredential tells a JSON-LD credential from the wrapper: a credential
// has an @context.
func isCredential(b []byte) bool {
	var probe struct {
		Context json.RawMessage `json:"@context"`
	}
	return json.Unmarshal(b, &probe) == nil && len(probe.Context) > 0
}

// verificationJSON is a Verification on the wire. The holder's e-mail is
// never in it.
type verificationJSON struct {
	State             string         `json:"state"`
	Form              *string        `json:"form"`
	FailedCheck       *string        `json:"failed_check"`
	Checks            []checkJSON    `json:"checks"`
	Issuer            *string        `json:"issuer"`
	Known             bool           `json:"known"`
	ID                *string        `json:"id"`
	URL               *string        `json:"url"`
	Holder            *string        `json:"holder"`
	Certification     *string        `json:"certification"`
	CertificationName *string        `json:"certification_name"`
	AwardedDate       *time.Time     `json:"awarded_date"`
	ValidFrom         *time.Time     `json:"valid_from"`
	ValidUntil        *time.Time     `json:"valid_until"`
	Reason            *string        `json:"reason"`
	Supersedes        *string        `json:"supersedes"`
	SupersededBy      *string        `json:"superseded_by"`
	SupersededByURL   *string        `json:"superseded_by_url"`
	History           []verifiedTerm `json:"history"`
}

type checkJSON struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

type verifiedTerm struct {
	ID          string     `json:"id"`
	URL         *string    `json:"url"`
	IssuedAt    time.Time  `json:"issued_at"`
	AwardedDate time.Time  `json:"awarded_date"`
	ValidFrom   time.Time  `json:"valid_from"`
	ValidUntil  *time.Time `json:"valid_until"`
	State       string     `json:"state"`
}

func verificationOut(v app.Verification) verificationJSON {
	out := verificationJSON{State: v.State, Form: orNull(v.Form), FailedCheck: orNull(v.FailedCheck), Checks: []checkJSON{},
		Issuer: orNull(v.Issuer), Known: v.Known, ID: orNull(v.ID), URL: orNull(v.URL), Holder: orNull(v.Holder),
		Certification: orNull(v.Certification), CertificationName: orNull(v.CertificationName),
		AwardedDate: v.AwardedDate, ValidFrom: v.ValidFrom, ValidUntil: v.ValidUntil, Reason: orNull(v.Reason),
		Supersedes: orNull(v.Supersedes), SupersededBy: orNull(v.SupersededBy), SupersededByURL: orNull(v.SupersededByURL),
		History: []verifiedTerm{}}
	for _, c := range v.Checks {
		out.Checks = append(out.Checks, checkJSON{Name: c.Name, OK: c.OK, Detail: c.Detail})
	}
	for _, h := range v.History {
		out.History = append(out.History, verifiedTerm{ID: h.ID, URL: orNull(h.URL), IssuedAt: h.IssuedAt.UTC(), AwardedDate: h.AwardedDate.UTC(),
			ValidFrom: h.ValidFrom.UTC(), ValidUntil: h.ValidUntil, State: h.State})
	}
	return out
}
