package vcjwt

import (
	"fmt"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// ContextV2 is the base context every VC 2.0 credential names first.
const ContextV2 = "https://www.w3.org/ns/credentials/v2"

// envelope is the part of a credential this package looks at. The v2 JSON
// decoder is used on purpose: it refuses duplicate member names (in every
// object, not only these) and invalid UTF-8 and matches names
// case-sensitively, so the bytes we sign cannot be read two ways by two
// verifiers. The fields read tokens straight from the decoder rather than
// keep copies, because Verify runs this on every request.
type envelope struct {
	Context stringList `json:"@context"`
	Type    stringList `json:"type"`
	VC      present    `json:"vc"`
	VP      present    `json:"vp"`
}

// checkCredential reports whether b is a VC 2.0 credential as VC-JOSE-COSE
// secures it: a JSON object whose @context starts with the v2 context,
// whose type includes VerifiableCredential, and which has no "vc" or "vp"
// member (§3.1.2: those JWT claim names MUST NOT be present, because they
// belong to the old VC 1.1 JWT encoding and a verifier of that kind would
// read the credential differently).
func checkCredential(b []byte) error {
	env := envelope{Type: stringList{want: "VerifiableCredential"}}
	if err := json.Unmarshal(b, &env); err != nil {
		return fmt.Errorf("%w: %v", ErrNotCredential, err)
	}
	if env.VC || env.VP {
		return fmt.Errorf(`%w: the JWT claims "vc" and "vp" must not be present`, ErrNotCredential)
	}
	if env.Context.first != ContextV2 {
		return fmt.Errorf("%w: @context must start with %s", ErrNotCredential, ContextV2)
	}
	if !env.Type.found {
		return fmt.Errorf("%w: type must include VerifiableCredential", ErrNotCredential)
	}
	return nil
}

// stringList reads a JSON-LD value that is a string or an array (whose
// items may be strings or, for @context, objects), keeping the first
// string item and whether want is among the strings.
type stringList struct {
	want  string
	first string
	found bool
}

func (l *stringList) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case '"':
		l.see(tok.String(), true)
		return nil
	case '[':
	default:
		return fmt.Errorf("want a string or an array, got %v", tok.Kind())
	}
	for i := 0; dec.PeekKind() != ']'; i++ {
		if dec.PeekKind() != '"' {
			if err := dec.SkipValue(); err != nil {
				return err
			}
			continue
		}
		tok, err := dec.ReadToken()
		if err != nil {
			return err
		}
		l.see(tok.String(), i == 0)
	}
	_, err = dec.ReadToken()
	return err
}

func (l *stringList) see(s string, first bool) {
	if first {
		l.first = s
	}
	if s == l.want && l.want != "" {
		l.found = true
	}
}

// present records that a member exists, whatever its value.
type present bool

func (p *present) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	*p = true
	return dec.SkipValue()
}
