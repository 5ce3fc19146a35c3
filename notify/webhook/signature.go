// Package webhook delivers notifications to HTTP receivers following the
// Standard Webhooks specification (https://www.standardwebhooks.com/): a
// receiver can check with any Standard Webhooks library that a message came
// from recert, was not altered and is not a replay of an old one.
package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The headers of a signed message (lower case as the specification writes
// them; net/http canonicalises them on the wire).
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// secretPrefix marks a symmetric Standard Webhooks secret; the rest is the
// key in base64.
const secretPrefix = "whsec_"

// secretBytes is the length of a new secret's key: the specification asks
// for between 24 and 64 bytes.
const secretBytes = 24

// Errors of Verify, for receivers that answer differently to each.
var (
	ErrMissingHeader = errors.New("webhook: missing header")
	ErrTimestamp     = errors.New("webhook: timestamp outside the tolerance")
	ErrSignature     = errors.New("webhook: no signature matches")
	ErrSecret        = errors.New("webhook: bad secret")
)

// NewSecret returns a fresh secret: whsec_ and the base64 of 24 random bytes.
func NewSecret() (string, error) {
	b := make([]byte, secretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("webhook: new secret: %w", err)
	}
	return secretPrefix + base64.StdEncoding.EncodeToString(b), nil
}

// key decodes a secret into its HMAC key. The prefix is optional, as in the
// reference libraries, so that a secret pasted without it still works.
func key(secret string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, secretPrefix))
	if err != nil {
		// The secret itself is never part of the message: it may be logged.
		return nil, fmt.Errorf("%w: the part after %s is not base64", ErrSecret, secretPrefix)
	}
	if len(k) == 0 {
		return nil, fmt.Errorf("%w: empty key", ErrSecret)
	}
	return k, nil
}

// Sign returns the webhook-signature header value for a message:
// "v1," and the base64 of HMAC-SHA256(key, "id.timestamp.body").
func Sign(secret, id string, ts time.Time, body []byte) (string, error) {
	k, err := key(secret)
	if err != nil {
		return "", err
	}
	return "v1," + base64.StdEncoding.EncodeToString(mac(k, id, ts.Unix(), body)), nil
}

func mac(k []byte, id string, ts int64, body []byte) []byte {
	h := hmac.New(sha256.New, k)
	h.Write([]byte(id))
	h.Write([]byte{'.'})
	h.Write([]byte(strconv.FormatInt(ts, 10)))
	h.Write([]byte{'.'})
	h.Write(body)
	return h.Sum(nil)
}

// Verify checks a received message: its three headers are present, its
// timestamp is within tolerance of now (so an intercepted message cannot be
// replayed later), and one of the space-separated v1 signatures matches.
// The comparison is constant-time, so timing does not reveal how much of a
// forged signature was right.
func Verify(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	k, err := key(secret)
	if err != nil {
		return err
	}
	id, tsText, sigs := h.Get(HeaderID), h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	for _, hv := range [][2]string{{HeaderID, id}, {HeaderTimestamp, tsText}, {HeaderSignature, sigs}} {
		if hv[1] == "" {
			return fmt.Errorf("%w %s", ErrMissingHeader, hv[0])
		}
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %s %q is not Unix seconds", ErrTimestamp, HeaderTimestamp, tsText)
	}
	// Compare in seconds, so that no timestamp can overflow a Duration.
	tol := int64(tolerance / time.Second)
	if d := now.Unix() - ts; d > tol || d < -tol {
		return fmt.Errorf("%w: %s is %d, now is %d", ErrTimestamp, HeaderTimestamp, ts, now.Unix())
	}
	want := mac(k, id, ts, body)
	for _, sig := range strings.Fields(sigs) {
		version, value, ok := strings.Cut(sig, ",")
		if !ok || version != "v1" {
			continue // another scheme (v1a) or garbage: not ours to judge
		}
		got, err := base64.StdEncoding.DecodeString(value)
		if err != nil {
			continue
		}
		if hmac.Equal(got, want) {
			return nil
		}
	}
	return ErrSignature
}
