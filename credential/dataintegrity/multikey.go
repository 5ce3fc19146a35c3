package dataintegrity

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// ed25519PubPrefix is the multicodec ed25519-pub (0xed) as an unsigned
// varint: a Multikey names its key type in its first bytes.
var ed25519PubPrefix = []byte{0xed, 0x01}

// PublicKeyMultibase encodes an Ed25519 public key as a Multikey
// publicKeyMultibase value ("z6Mk..."), the form did:web and did:key
// verification methods carry.
func PublicKeyMultibase(pub ed25519.PublicKey) string {
	return "z" + base58Encode(append(append([]byte{}, ed25519PubPrefix...), pub...))
}

// ParsePublicKeyMultibase is PublicKeyMultibase's inverse: it refuses a
// value that is not base58btc, not an ed25519-pub Multikey, or not 32 bytes.
func ParsePublicKeyMultibase(s string) (ed25519.PublicKey, error) {
	raw, err := decodeMultibase(s)
	if err != nil {
		return nil, fmt.Errorf("publicKeyMultibase %q: %w", s, err)
	}
	if !bytes.HasPrefix(raw, ed25519PubPrefix) {
		return nil, fmt.Errorf("publicKeyMultibase %q: not an Ed25519 Multikey (no 0xed01 prefix)", s)
	}
	key := raw[len(ed25519PubPrefix):]
	if len(key) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("publicKeyMultibase %q: Ed25519 key of %d bytes, want %d", s, len(key), ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(bytes.Clone(key)), nil
}

// decodeMultibase decodes a multibase base58btc value ('z' prefix), the
// only base this cryptosuite uses.
func decodeMultibase(s string) ([]byte, error) {
	if !strings.HasPrefix(s, "z") {
		return nil, errors.New("not multibase base58btc (want a 'z' prefix)")
	}
	return base58Decode(s[1:])
}

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

var base58Index = func() (idx [256]int8) {
	for i := range idx {
		idx[i] = -1
	}
	for i := 0; i < len(base58Alphabet); i++ {
		idx[base58Alphabet[i]] = int8(i)
	}
	return idx
}()

var fiftyEight = big.NewInt(58)

// base58Encode is Bitcoin's base58: leading zero bytes become '1's. The
// values encoded here are 34 to 64 bytes, so math/big's cost is no matter.
func base58Encode(b []byte) string {
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	n := new(big.Int).SetBytes(b)
	var out []byte
	mod := new(big.Int)
	for n.Sign() > 0 {
		n.DivMod(n, fiftyEight, mod)
		out = append(out, base58Alphabet[mod.Int64()])
	}
	for range zeros {
		out = append(out, '1')
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}

// maxBase58 bounds what base58Decode accepts: the values are keys and
// signatures, and math/big is quadratic in a hostile, long input.
const maxBase58 = 256

func base58Decode(s string) ([]byte, error) {
	if len(s) > maxBase58 {
		return nil, fmt.Errorf("base58 value of %d characters, more than %d", len(s), maxBase58)
	}
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	n := new(big.Int)
	for i := 0; i < len(s); i++ {
		d := base58Index[s[i]]
		if d < 0 {
			return nil, fmt.Errorf("invalid base58btc character %q at %d", s[i], i)
		}
		n.Mul(n, fiftyEight)
		n.Add(n, big.NewInt(int64(d)))
	}
	return append(make([]byte, zeros), n.Bytes()...), nil
}
