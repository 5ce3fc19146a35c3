package statuslist

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The status purposes recert publishes a list for.
const (
	PurposeRevocation = "revocation"
	PurposeSuspension = "suspension"
)

// The terms of the data model (section 2), written once.
const (
	contextV2         = "https://www.w3.org/ns/credentials/v2"
	typeVC            = "VerifiableCredential"
	typeListCred      = "BitstringStatusListCredential"
	typeList          = "BitstringStatusList"
	typeEntry         = "BitstringStatusListEntry"
	listSubjectSuffix = "#list"
)

// CredentialInput is what an unsigned BitstringStatusListCredential is made of.
type CredentialInput struct {
	// ID is the URL the list credential is published at; entries point to it.
	ID string
	// Issuer is the issuer's identifier (recert's did:web).
	Issuer string
	// Purpose is PurposeRevocation or PurposeSuspension.
	Purpose string
	// ValidFrom is when this version of the list was made (the caller's
	// clock; the package has none).
	ValidFrom time.Time
	// TTL is how long a verifier may cache the list; 0 leaves ttl out. The
	// publisher's Cache-Control max-age should match it (section 2.2).
	TTL time.Duration
	// Encoded is List.Encode's output.
	Encoded string
}

// Credential returns the unsigned BitstringStatusListCredential (section
// 2.2) as a JSON object, ready for a securing mechanism. Arrays are []any
// and ttl is a float64 so that the value is the same Go tree json.Unmarshal
// would produce: JSON-LD canonicalisation (json-gold) only treats float64 as
// a number, and a signature must not depend on whether the credential was
// built here or parsed.
//
// The subject's id is ID + "#list", as in the specification's example.
func Credential(in CredentialInput) (map[string]any, error) {
	var errs []error
	if in.ID == "" || strings.Contains(in.ID, "#") {
		errs = append(errs, fmt.Errorf("id %q is not a URL without a fragment", in.ID))
	}
	if in.Issuer == "" {
		errs = append(errs, errors.New("issuer is empty"))
	}
	if err := checkPurpose(in.Purpose); err != nil {
		errs = append(errs, err)
	}
	if in.ValidFrom.IsZero() {
		errs = append(errs, errors.New("validFrom is not set"))
	}
	if in.TTL < 0 || in.TTL%time.Millisecond != 0 {
		errs = append(errs, fmt.Errorf("ttl %s is not a whole, non-negative number of milliseconds", in.TTL))
	}
	if in.Encoded == "" || in.Encoded[0] != multibaseBase64URL {
		errs = append(errs, fmt.Errorf("encodedList: %w", ErrMultibasePrefix))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("statuslist: credential %q: %w: %w", in.ID, ErrMalformed, err)
	}
	subject := map[string]any{
		"id":            in.ID + listSubjectSuffix,
		"type":          typeList,
		"statusPurpose": in.Purpose,
		"encodedList":   in.Encoded,
	}
	if in.TTL > 0 {
		subject["ttl"] = float64(in.TTL.Milliseconds())
	}
	return map[string]any{
		"@context":          []any{contextV2},
		"id":                in.ID,
		"type":              []any{typeVC, typeListCred},
		"issuer":            in.Issuer,
		"validFrom":         in.ValidFrom.UTC().Format(time.RFC3339),
		"credentialSubject": subject,
	}, nil
}

// Entry returns the BitstringStatusListEntry (section 2.1) a credential
// carries in credentialStatus: its index in the list at listCredentialURL.
// The index is a base-10 string, as the data model requires.
func Entry(listCredentialURL string, index int, purpose string) (map[string]any, error) {
	if listCredentialURL == "" || strings.Contains(listCredentialURL, "#") {
		return nil, fmt.Errorf("statuslist: entry: list credential %q is not a URL without a fragment: %w", listCredentialURL, ErrMalformed)
	}
	if index < 0 {
		return nil, fmt.Errorf("statuslist: entry: index %d: %w", index, ErrRange)
	}
	if err := checkPurpose(purpose); err != nil {
		return nil, fmt.Errorf("statuslist: entry: %w: %w", ErrMalformed, err)
	}
	idx := strconv.Itoa(index)
	return map[string]any{
		"id":                   listCredentialURL + "#" + idx,
		"type":                 typeEntry,
		"statusPurpose":        purpose,
		"statusListIndex":      idx,
		"statusListCredential": listCredentialURL,
	}, nil
}

func checkPurpose(p string) error {
	if p != PurposeRevocation && p != PurposeSuspension {
		return fmt.Errorf("status purpose %q is neither %q nor %q", p, PurposeRevocation, PurposeSuspension)
	}
	return nil
}
