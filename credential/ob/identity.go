package ob

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// IdentityHash is the OB 3.0 IdentityHash of an e-mail address: "sha256$"
// and the hex SHA-256 of the address and the salt. The address is trimmed
// and lower-cased first, so a verifier given "Ann@Example.org " for a
// roster check matches the credential issued to ann@example.org.
func IdentityHash(email, salt string) string {
	sum := sha256.Sum256([]byte(normalEmail(email) + salt))
	return "sha256$" + hex.EncodeToString(sum[:])
}

// MatchesEmail reports whether the address is the one an identityHash and
// salt were made from.
func MatchesEmail(identityHash, salt, email string) bool {
	return strings.EqualFold(identityHash, IdentityHash(email, salt))
}

// Salt is the salt of a credential's hashed e-mail address. It is
// published beside the hash, so it need not be secret, only different for
// every credential (no table of hashed addresses serves for two); deriving
// it from the credential's id keeps Build deterministic without the caller
// storing one.
func Salt(credentialID string) string {
	sum := sha256.Sum256([]byte("recert identity salt\x00" + credentialID))
	return hex.EncodeToString(sum[:16])
}

func normalEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
