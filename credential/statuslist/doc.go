// Package statuslist implements the W3C Bitstring Status List v1.0
// (https://www.w3.org/TR/vc-bitstring-status-list/, Recommendation of 2025):
// the bitstring a credential's revocation or suspension is published in, its
// GZIP and multibase encoding, the random allocation of indexes, the unsigned
// BitstringStatusListCredential and BitstringStatusListEntry, and the
// verifier's check of one entry against a list.
//
// Why a package of its own: the list is shared by issuing (allocate, set,
// publish) and by verifying (decode, check), and both sides must agree on the
// bit order to the bit; one implementation tested against the specification's
// own example keeps them from drifting apart.
//
// The package is pure: no I/O, no clock, no signing. The caller signs the
// credential it builds, and checks the list credential's proof and validity
// period before it believes Check.
//
// Only statusSize 1 is supported: recert publishes one list per purpose
// (revocation, suspension), each bit meaning "set" or "unset".
package statuslist
