// Package ob builds the Open Badges 3.0 credential recert issues for a
// certification, validates credentials against the OB 3.0
// AchievementCredential JSON schema, and writes the issuer's did:web
// document.
//
// It knows nothing of recert's ledger or keys: the caller hands it plain
// values (the terms, the score, the status entries the status list
// allocated, the public keys) and gets JSON bytes back, so the same input
// always gives the same bytes and a credential can be rebuilt for a test or
// an audit. Securing the credential (VC-JWT, Data Integrity) is another
// package's work; this one produces the unsecured document both sign.
//
// ob-achievementcredential.schema.json is the 1EdTech schema, unchanged:
// repository 1EdTech/openbadges-specification, commit a4e4e70 (gh-pages),
// docs/schema/achievementcredential.json.
package ob
