package statuslist

import "errors"

// The errors Decode and Check return, wrapped with the detail of what failed.
// They are sentinels so that a verifier can say exactly what failed (issue 8:
// "saying exactly what failed") and map each to the specification's error
// codes with SpecCode.
var (
	// ErrMultibasePrefix: the encoded list does not start with 'u', the
	// multibase prefix of base64url without padding.
	ErrMultibasePrefix = errors.New("statuslist: encoded list is not multibase base64url (prefix 'u')")
	// ErrBase64: the text after the prefix is not base64url without padding.
	ErrBase64 = errors.New("statuslist: encoded list is not valid base64url without padding")
	// ErrNotGzip: the decoded bytes are not a GZIP stream (RFC 1952), or the
	// stream is damaged (bad checksum, truncated, trailing bytes).
	ErrNotGzip = errors.New("statuslist: encoded list is not a valid GZIP stream")
	// ErrTooShort: the bitstring has fewer than MinEntries entries, too few
	// for herd privacy (the specification's STATUS_LIST_LENGTH_ERROR).
	ErrTooShort = errors.New("statuslist: status list is shorter than the minimum of 131,072 entries")
	// ErrTooLarge: the bitstring, or the text that encodes it, is larger than
	// MaxBytes allows; decompression stops there, so a small GZIP bomb cannot
	// make the verifier allocate gigabytes.
	ErrTooLarge = errors.New("statuslist: status list is larger than the accepted maximum")
	// ErrRange: an index outside the list (the specification's RANGE_ERROR).
	ErrRange = errors.New("statuslist: index is outside the status list")
	// ErrPurpose: the entry's statusPurpose is not one of the list's
	// (the specification's STATUS_VERIFICATION_ERROR).
	ErrPurpose = errors.New("statuslist: status purpose of the entry does not match the list")
	// ErrMalformed: a property does not have the form the data model
	// requires (the specification's MALFORMED_VALUE_ERROR).
	ErrMalformed = errors.New("statuslist: malformed value")
	// ErrFull: the allocator has no free index left.
	ErrFull = errors.New("statuslist: no free index left in the status list")
)

// SpecCode names the specification's error
// that err stands for (sections 3, 3.2 and 3.5), so that an HTTP API can report it as a Problem Details
// type https://www.w3.org/ns/credentials/status-list#CODE. It returns "" for
// an error the specification does not name (ErrFull, or nil).
func SpecCode(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrTooShort):
		return "STATUS_LIST_LENGTH_ERROR"
	case errors.Is(err, ErrRange):
		return "RANGE_ERROR"
	case errors.Is(err, ErrPurpose):
		return "STATUS_VERIFICATION_ERROR"
	case errors.Is(err, ErrMultibasePrefix), errors.Is(err, ErrBase64),
		errors.Is(err, ErrNotGzip), errors.Is(err, ErrTooLarge), errors.Is(err, ErrMalformed):
		return "MALFORMED_VALUE_ERROR"
	}
	return ""
}
