package statuslist

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
)

const (
	// MinEntries is the specification's minimum list length (16 KiB of
	// bits): fewer entries would let a verifier narrow down who a credential
	// belongs to (section 6.1, herd privacy).
	MinEntries = 131072

	// MaxBytes bounds the uncompressed bitstring Decode accepts: 16 MiB,
	// 134,217,728 entries, far more than any issuer recert verifies needs,
	// and small enough that decoding a hostile list costs little memory.
	// GZIP compresses zeros about 1000:1, so without this bound a few
	// kilobytes of encodedList could expand to gigabytes.
	MaxBytes = 16 << 20

	// multibaseBase64URL is the multibase prefix of base64url without
	// padding, the only encoding the specification allows.
	multibaseBase64URL = 'u'
)

// maxEncodedLen bounds the text Decode reads before decompressing: GZIP
// of incompressible data is a little larger than the data itself, so the
// base64url of a MaxBytes list fits with room to spare.
var maxEncodedLen = 1 + base64.RawURLEncoding.EncodedLen(MaxBytes+MaxBytes/100+1024)

// List is a bitstring status list with statusSize 1: one bit per entry,
// set (1) meaning revoked or suspended, according to the list's purpose.
// Entry 0 is the left-most (most significant) bit of the first byte, as
// section 2.2 and 7.1 of the specification require.
//
// A List is not safe for concurrent use; the caller serialises changes.
type List struct {
	bits []byte
}

// New returns a list of n entries, all unset. n must be at least MinEntries,
// a multiple of 8 (the list is published as whole bytes, so a list that
// decodes back has a multiple of 8 entries) and at most MaxBytes*8.
func New(n int) (*List, error) {
	if n < MinEntries {
		return nil, fmt.Errorf("statuslist: new list of %d entries: %w", n, ErrTooShort)
	}
	if n%8 != 0 {
		return nil, fmt.Errorf("statuslist: new list of %d entries: not a multiple of 8: %w", n, ErrMalformed)
	}
	if n/8 > MaxBytes {
		return nil, fmt.Errorf("statuslist: new list of %d entries: %w (%d entries)", n, ErrTooLarge, MaxBytes*8)
	}
	return &List{bits: make([]byte, n/8)}, nil
}

// Len returns the number of entries.
func (l *List) Len() int { return len(l.bits) * 8 }

// Set sets (v true) or clears entry i.
func (l *List) Set(i int, v bool) error {
	if i < 0 || i >= l.Len() {
		return fmt.Errorf("statuslist: set entry %d of %d: %w", i, l.Len(), ErrRange)
	}
	mask := byte(0x80) >> (i % 8)
	if v {
		l.bits[i/8] |= mask
	} else {
		l.bits[i/8] &^= mask
	}
	return nil
}

// Get reports whether entry i is set.
func (l *List) Get(i int) (bool, error) {
	if i < 0 || i >= l.Len() {
		return false, fmt.Errorf("statuslist: get entry %d of %d: %w", i, l.Len(), ErrRange)
	}
	return l.bits[i/8]&(byte(0x80)>>(i%8)) != 0, nil
}

// Bytes returns a copy of the uncompressed bitstring.
func (l *List) Bytes() []byte { return bytes.Clone(l.bits) }

// Encode returns the encodedList value: the bitstring GZIP-compressed
// (RFC 1952) and then multibase-encoded as base64url without padding
// (section 3.3). The output is deterministic (no file name, zero
// modification time), so the same list always yields the same credential.
func (l *List) Encode() (string, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return "", fmt.Errorf("statuslist: encode: %w", err)
	}
	if _, err := zw.Write(l.bits); err != nil {
		return "", fmt.Errorf("statuslist: encode: gzip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return "", fmt.Errorf("statuslist: encode: gzip: %w", err)
	}
	return string(multibaseBase64URL) + base64.RawURLEncoding.EncodeToString(buf.Bytes()), nil
}

// Decode expands an encodedList value (section 3.4) into a List. It refuses,
// with the named errors, a value without the 'u' prefix, invalid base64url,
// anything that is not one whole GZIP stream, a bitstring shorter than
// MinEntries and one larger than MaxBytes (decompression stops as soon as
// the bound is passed).
func Decode(s string) (*List, error) {
	if s == "" || s[0] != multibaseBase64URL {
		prefix := "none"
		if s != "" {
			prefix = fmt.Sprintf("%q", s[0])
		}
		return nil, fmt.Errorf("statuslist: decode: prefix %s: %w", prefix, ErrMultibasePrefix)
	}
	if len(s) > maxEncodedLen {
		return nil, fmt.Errorf("statuslist: decode: %d characters of encoded list: %w", len(s), ErrTooLarge)
	}
	body := s[1:]
	// Go's base64 decoder skips CR and LF; the specification's value has
	// none, so a list with them is malformed rather than silently accepted.
	if i := strings.IndexAny(body, "\r\n"); i >= 0 {
		return nil, fmt.Errorf("statuslist: decode: line break at character %d: %w", i+1, ErrBase64)
	}
	compressed, err := base64.RawURLEncoding.Strict().DecodeString(body)
	if err != nil {
		return nil, fmt.Errorf("statuslist: decode: %w: %w", ErrBase64, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(compressed))
	if err != nil {
		return nil, fmt.Errorf("statuslist: decode: %w: %w", ErrNotGzip, err)
	}
	// The reader reads every member (RFC 1952 allows several) and fails on
	// anything after the last one that is not a GZIP header, so trailing
	// garbage is refused rather than ignored.
	bits, err := io.ReadAll(io.LimitReader(zr, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("statuslist: decode: %w: %w", ErrNotGzip, err)
	}
	if len(bits) > MaxBytes {
		return nil, fmt.Errorf("statuslist: decode: more than %d bytes uncompressed: %w", MaxBytes, ErrTooLarge)
	}
	if len(bits)*8 < MinEntries {
		return nil, fmt.Errorf("statuslist: decode: %d entries: %w", len(bits)*8, ErrTooShort)
	}
	return &List{bits: bits}, nil
}
