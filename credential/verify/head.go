package verify

import (
	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// head is what the checks read of a credential, decoded in one pass.
//
// Why the v2 JSON decoder (go-json-experiment, as credential/vcjwt uses):
// it refuses duplicate member names and invalid UTF-8 and matches names
// case-sensitively, so "issuer" and "Issuer" in one document cannot make
// the checks read a different issuer than the JSON-LD proof or the
// schema saw; and it decodes without the whole-document validity scan
// encoding/json runs first, which was a third of a verification's time.
type head struct {
	Issuer     issuerRef `json:"issuer"`
	ValidFrom  *string   `json:"validFrom"`
	ValidUntil *string   `json:"validUntil"`
	// CredentialStatus is an entry object, a list of them, or absent, as
	// parsed JSON (the form statuslist.Check reads).
	CredentialStatus any `json:"credentialStatus"`
}

// decodeHead reads the members the checks need from a credential's JSON.
func decodeHead(body []byte) (head, error) {
	var h head
	err := json.Unmarshal(body, &h)
	return h, err
}

// issuerRef is the issuer's id: the issuer is a URL or a Profile with an
// id. Anything else (a number, a Profile without a string id) reads as ""
// and fails the issuer check, not the format check.
type issuerRef string

func (i *issuerRef) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	*i = issuerRef(issuerID(v))
	return nil
}

// issuerID is the id of an issuer value: a string, or an object's string
// "id" member.
func issuerID(raw jsontext.Value) string {
	switch raw.Kind() {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	case '{':
		var p struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(raw, &p) == nil {
			return p.ID
		}
	}
	return ""
}
