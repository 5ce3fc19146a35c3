package ob

import "encoding/json"

// Described is what a credential says of itself for a person reading a
// verification: its id, the certification (the achievement's name) and
// the holder's name. The name is the subject's plain-text "name"
// identifier, where Build puts it; the e-mail is only ever hashed.
type Described struct {
	ID, Certification, Holder string
}

// Describe reads those members from a credential's JSON; each is "" when
// the credential does not say.
func Describe(body []byte) Described {
	var c struct {
		ID      string `json:"id"`
		Subject struct {
			Achievement struct {
				Name string `json:"name"`
			} `json:"achievement"`
			Identifier []struct {
				IdentityType string `json:"identityType"`
				Hashed       bool   `json:"hashed"`
				IdentityHash string `json:"identityHash"`
			} `json:"identifier"`
		} `json:"credentialSubject"`
	}
	if json.Unmarshal(body, &c) != nil {
		return Described{}
	}
	d := Described{ID: c.ID, Certification: c.Subject.Achievement.Name}
	for _, id := range c.Subject.Identifier {
		if id.IdentityType == "name" && !id.Hashed {
			d.Holder = id.IdentityHash
		}
	}
	return d
}
