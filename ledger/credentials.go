package ledger

import (
	"context"
	"fmt"
	"time"
)

// SigningKey is one of the issuer's keys. Only its sealed private half is
// stored (credential/keyring seals it under a master key kept outside the
// database); Public is the public key, PKIX DER, for did.json and JWKS.
type SigningKey struct {
	ID        string // the verification method fragment
	Alg       string // EdDSA, RS256
	Sealed    []byte
	Public    []byte
	CreatedAt time.Time
	Active    bool // signs new credentials; one active key per Alg
}

// SigningKeys stores the issuer's keys. A key is never deleted: a
// credential signed with a key that was rotated out must still verify.
type SigningKeys interface {
	// PutSigningKey stores a new key; ErrExists for a known ID. A key put
	// as Active becomes the active one of its algorithm, as if
	// ActivateSigningKey followed.
	PutSigningKey(ctx context.Context, k SigningKey) error
	SigningKeys(ctx context.Context) ([]SigningKey, error) // every key, oldest first: earlier credentials still verify
	// ActivateSigningKey makes id the one active key of its algorithm (the others of that algorithm stay, inactive). ErrNotFound.
	ActivateSigningKey(ctx context.Context, id string) error
}

// The statuses of an IssuedCredential.
const (
	CredentialActive    = "active"
	CredentialSuspended = "suspended"
	CredentialRevoked   = "revoked"
)

// The purposes of the two status lists, as StatusIndexTaken and StatusBits
// name them (the statusPurpose of a Bitstring Status List).
const (
	PurposeRevocation = "revocation"
	PurposeSuspension = "suspension"
)

// CheckCredentialStatus refuses a status the stores do not know: StatusBits
// reads the lists' bits from Status, so a misspelt status would silently
// clear a revoked credential's bit.
func CheckCredentialStatus(status string) error {
	switch status {
	case CredentialActive, CredentialSuspended, CredentialRevoked:
		return nil
	}
	return fmt.Errorf("credential status %q: want %s, %s or %s", status, CredentialActive, CredentialSuspended, CredentialRevoked)
}

// CheckStatusPurpose refuses a list other than the two there are.
func CheckStatusPurpose(purpose string) error {
	switch purpose {
	case PurposeRevocation, PurposeSuspension:
		return nil
	}
	return fmt.Errorf("status list purpose %q: want %s or %s", purpose, PurposeRevocation, PurposeSuspension)
}

// IssuedCredential is a credential recert issued for a certification's
// term: both securing forms of the same credential.
type IssuedCredential struct {
	ID              string
	Candidate       string
	Certification   string
	IssuedAt        time.Time
	AwardedDate     time.Time // the first grant, kept on renewal
	ValidFrom       time.Time
	ValidUntil      time.Time // zero: no expiry
	Supersedes      string    // the credential a renewal replaces
	RevocationIndex int       // its index in the revocation status list
	SuspensionIndex int       // its index in the suspension status list
	Document        []byte    // the JSON-LD credential with its Data Integrity proof
	JWT             string    // the VC-JWT
	// Status: active, suspended, revoked; Reason says why (kept here, never in the list).
	Status    string
	Reason    string
	ChangedAt time.Time // zero until the status first changes
	Rev       int64
}

// CredentialFilter narrows ListCredentials; "" matches all.
type CredentialFilter struct{ Candidate, Certification string }

// Credentials stores issued credentials and their status. The status
// lists are derived from it: a list's bit is set exactly when the
// credential holding that index has that list's status.
type Credentials interface {
	// CreateCredential stores c at Rev 1, whatever c.Rev says. ErrExists
	// when its id, or its index in either list, is taken: an index is
	// allocated to one credential, ever.
	CreateCredential(ctx context.Context, c IssuedCredential) error
	Credential(ctx context.Context, id string) (IssuedCredential, error)
	ListCredentials(ctx context.Context, f CredentialFilter, p Page) ([]IssuedCredential, error) // id order
	// SetCredentialStatus writes Status, Reason and ChangedAt when the stored Rev is c.Rev, and bumps Rev; ErrConflict otherwise
	// (ErrNotFound for an unknown id). It returns the stored credential.
	SetCredentialStatus(ctx context.Context, c IssuedCredential) (IssuedCredential, error)
	// StatusIndexTaken says whether an index of a list ("revocation" or "suspension") is allocated: the allocator never reuses one.
	StatusIndexTaken(ctx context.Context, purpose string, index int) (bool, error)
	// StatusBits lists the indexes of a list whose bit is set, ascending: revoked ones for "revocation", suspended ones for "suspension".
	StatusBits(ctx context.Context, purpose string) ([]int, error)
}
