package vcjwt

import (
	"fmt"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// ContextV2 is the base context every VC 2.0 credential names first.
const ContextV2 = "https://www.w3.org/ns/credentials/v2"

// envelope is the part of a credential this package looks at. The v2 JSON
// decoder is used on purpose: it refuses duplicate member names and
// invalid UTF-8 and matches names case-sensitively, so the bytes we sign
// cannot be read two ways by two verifiers.
type envelope struct {
	Context jsontext.Value `json:"@context"`
	Type    jsontext.Value `json:"type"`
	VC      jsontext.Value `json:"vc"`
	VP      jsontext.Value `json:"vp"`
}

// checkCredential reports whether b is a VC 2.0 credential as VC-JOSE-COSE
// secures it: a JSON object whose @context starts with the v2 context,
// whose type includes VerifiableCredential, and which has no "vc" or "vp"
// member (§3.1.2: those JWT claim names MUST NOT be present, because they
// belong to the old VC 1.1 JWT encoding and a verifier of that kind would
// read the credential differently).
func checkCredential(b []byte) error {
	var env envelope
	if err := json.Unmarshal(b, &env); err != nil {
		return fmt.Errorf("%w: %v", ErrNotCredential, err)
	}
	if env.VC != nil || env.VP != nil {
		return fmt.Errorf(`%w: the JWT claims "vc" and "vp" must not be present`, ErrNotCredential)
	}
	first, ok := firstString(env.Context)
	if !ok || first != ContextV2 {
		return fmt.Errorf("%w: @context must start with %s", ErrNotCredential, ContextV2)
	}
	if !hasString(env.Type, "VerifiableCredential") {
		return fmt.Errorf("%w: type must include VerifiableCredential", ErrNotCredential)
	}
	return nil
}

// firstString returns v if it is a string, or the first item of v if it
// is an array whose first item is a string.
func firstString(v jsontext.Value) (string, bool) {
	if v == nil {
		return "", false
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s, true
	}
	var list []jsontext.Value
	if json.Unmarshal(v, &list) != nil || len(list) == 0 {
		return "", false
	}
	if json.Unmarshal(list[0], &s) != nil {
		return "", false
	}
	return s, true
}

// hasString reports whether v is want, or an array with want among its
// items.
func hasString(v jsontext.Value, want string) bool {
	if v == nil {
		return false
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s == want
	}
	var list []jsontext.Value
	if json.Unmarshal(v, &list) != nil {
		return false
	}
	for _, item := range list {
		if json.Unmarshal(item, &s) == nil && s == want {
			return true
		}
	}
	return false
}
