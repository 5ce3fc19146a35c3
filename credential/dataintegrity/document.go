package dataintegrity

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// maxSafeInteger is 2^53: JSON-LD reads numbers as IEEE doubles, so a
// larger integer could be changed without changing what is signed.
var maxSafeInteger = new(big.Int).Lsh(big.NewInt(1), 53)

// parseDocument decodes a JSON object for signing or verifying. It refuses
// what two readers of the same bytes could read differently, since the
// signature covers the canonical form and a reader acts on the JSON: a
// duplicate member name (encoding/json keeps the last, others the first),
// invalid UTF-8 (turned into U+FFFD) and integers beyond 2^53 (rounded to
// a double by canonicalisation).
func parseDocument(doc []byte) (map[string]any, error) {
	dec := jsontext.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := dec.ReadToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("document is not valid JSON: %w", err)
		}
		if tok.Kind() == '0' {
			if err := checkNumber(tok.String()); err != nil {
				return nil, fmt.Errorf("document at %s: %w", dec.StackPointer(), err)
			}
		}
	}
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		return nil, fmt.Errorf("document is not a JSON object: %w", err)
	}
	if m == nil {
		return nil, errors.New("document is not a JSON object: null")
	}
	return m, nil
}

func checkNumber(lit string) error {
	if strings.ContainsAny(lit, ".eE") {
		return nil
	}
	n, ok := new(big.Int).SetString(lit, 10)
	if !ok {
		return fmt.Errorf("number %s is not an integer", lit)
	}
	if n.CmpAbs(maxSafeInteger) > 0 {
		return fmt.Errorf("integer %s is beyond 2^53, which JSON-LD cannot represent exactly", lit)
	}
	return nil
}
