package resolve

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// MaxCredentialSize bounds a credential file: recert's are a few
// kilobytes in either form.
const MaxCredentialSize = 1 << 20

// ReadCredential reads one credential, as a file or stdin holds it: a
// compact VC-JWT (a trailing newline is fine) or a JSON document. It
// refuses, with a reason a person can act on, what cannot be one: nothing,
// more than MaxCredentialSize, or bytes that are not text.
func ReadCredential(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxCredentialSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading the credential: %w", err)
	}
	if len(b) > MaxCredentialSize {
		return nil, fmt.Errorf("larger than %d bytes (1 MiB): not a credential", MaxCredentialSize)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // a BOM some editors write
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return nil, errors.New("empty: no credential in it")
	case !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0:
		return nil, errors.New("binary data, not a credential (want a VC-JWT or a JSON credential)")
	}
	return b, nil
}
