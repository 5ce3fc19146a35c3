package statuslist

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// Check is the verifier's side of the Validate Algorithm (section 3.2): it
// reads the BitstringStatusListEntry of a credential (entry, as parsed
// JSON) and the BitstringStatusListCredential it points to (list, as parsed
// JSON), and reports whether the entry's bit is set, that is whether the
// credential is revoked or suspended, according to the purpose.
//
// It refuses an entry whose purpose is not among the list's (ErrPurpose), an
// index past the end (ErrRange), a list credential whose id is not the
// entry's statusListCredential (a list fetched from elsewhere, or swapped),
// a statusSize other than 1, and every malformed property (ErrMalformed),
// beside Decode's errors. It does not verify the list credential's proof
// or validity period: the caller does, before it trusts the answer.
func Check(entry map[string]any, list map[string]any) (set bool, err error) {
	return CheckWith(entry, list, Decode)
}

// CheckWith is Check with decode in place of Decode, so that a verifier
// answering thousands of checks a second against the same few lists can
// decode each list once (a 131,072-entry list is 16 KiB to decompress).
func CheckWith(entry map[string]any, list map[string]any, decode func(encoded string) (*List, error)) (set bool, err error) {
	if entry == nil || list == nil {
		return false, fmt.Errorf("statuslist: check: %w: missing entry or list credential", ErrMalformed)
	}
	if !hasType(entry["type"], typeEntry) {
		return false, malformed("credentialStatus.type", "does not name %s", typeEntry)
	}
	purpose, ok := entry["statusPurpose"].(string)
	if !ok || purpose == "" {
		return false, malformed("credentialStatus.statusPurpose", "is not a string")
	}
	index, err := parseIndex(entry["statusListIndex"])
	if err != nil {
		return false, err
	}
	if size, present := entry["statusSize"]; present && !isOne(size) {
		return false, malformed("credentialStatus.statusSize", "is %v; only 1 is supported", size)
	}
	listURL, ok := entry["statusListCredential"].(string)
	if !ok || listURL == "" {
		return false, malformed("credentialStatus.statusListCredential", "is not a URL")
	}

	if !hasType(list["type"], typeListCred) {
		return false, malformed("status list credential type", "does not name %s", typeListCred)
	}
	if id, _ := list["id"].(string); id != listURL {
		return false, malformed("status list credential id", "is %q, not the entry's statusListCredential %q", id, listURL)
	}
	subject, ok := list["credentialSubject"].(map[string]any)
	if !ok {
		return false, malformed("status list credentialSubject", "is not an object")
	}
	if !hasType(subject["type"], typeList) {
		return false, malformed("status list credentialSubject.type", "does not name %s", typeList)
	}
	purposes, ok := stringList(subject["statusPurpose"])
	if !ok {
		return false, malformed("status list credentialSubject.statusPurpose", "is not a string or a list of strings")
	}
	if !slices.Contains(purposes, purpose) {
		return false, fmt.Errorf("statuslist: check: entry purpose %q, list %q purposes %v: %w", purpose, listURL, purposes, ErrPurpose)
	}
	encoded, ok := subject["encodedList"].(string)
	if !ok {
		return false, malformed("status list credentialSubject.encodedList", "is not a string")
	}
	l, err := decode(encoded)
	if err != nil {
		return false, fmt.Errorf("statuslist: check: list %q: %w", listURL, err)
	}
	if index >= l.Len() {
		return false, fmt.Errorf("statuslist: check: index %d of list %q with %d entries: %w", index, listURL, l.Len(), ErrRange)
	}
	return l.Get(index)
}

func malformed(what, format string, args ...any) error {
	return fmt.Errorf("statuslist: check: %s %s: %w", what, fmt.Sprintf(format, args...), ErrMalformed)
}

// parseIndex reads statusListIndex: base-10 digits in a string. An index
// too large for an int is past the end of every list Decode accepts.
func parseIndex(v any) (int, error) {
	s, ok := v.(string)
	if !ok || s == "" {
		return 0, malformed("credentialStatus.statusListIndex", "is not a string")
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, malformed("credentialStatus.statusListIndex", "%q is not a base-10 integer", s)
		}
	}
	i, err := strconv.Atoi(s)
	if errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Errorf("statuslist: check: index %s: %w", s, ErrRange)
	}
	if err != nil {
		return 0, malformed("credentialStatus.statusListIndex", "%q: %v", s, err)
	}
	return i, nil
}

// hasType reports whether a JSON type value (a string or an array of
// strings, as the VC data model allows) names want.
func hasType(v any, want string) bool {
	names, ok := stringList(v)
	return ok && slices.Contains(names, want)
}

// stringList reads a JSON value that is a string or a non-empty array of strings.
func stringList(v any) ([]string, bool) {
	switch t := v.(type) {
	case string:
		return []string{t}, true
	case []string:
		return t, len(t) > 0
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, len(out) > 0
	}
	return nil, false
}

// isOne reports whether a JSON number, however it was decoded, is 1.
func isOne(v any) bool {
	switch n := v.(type) {
	case float64:
		return n == 1
	case int:
		return n == 1
	case int64:
		return n == 1
	case json.Number:
		return n.String() == "1"
	}
	return false
}
