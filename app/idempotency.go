package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"time"

	"github.com/recert/recert/ledger"
)

// Render turns a use case's result, or its error, into the response a
// caller receives, so that the very bytes can be stored for retries.
type Render func(v any, err error) (status int, body []byte)

// DefaultIdempotencyTTL is how long a key's first response is kept:
// Stripe's 24 hours, long enough for any client's retries.
const DefaultIdempotencyTTL = 24 * time.Hour

// WithIdempotencyTTL sets how long first responses are replayed.
func WithIdempotencyTTL(d time.Duration) Option { return func(a *App) { a.idemTTL = d } }

// idemRequest is the Idempotency-Key of the request behind a write. It
// travels in the Principal (who is asking, in this request) to the write
// path, which stores the response under it in the write's transaction.
type idemRequest struct {
	key    string
	hash   []byte
	render Render
	// status and body are the response as first rendered, once stored.
	status int
	body   []byte
}

// Idempotent runs a write once per (caller, key), as Stripe's API does.
// The first call runs do; the write path stores its rendered response in
// the write's own transaction, or, for a refusal (the rules said no, the
// slot is full, the record is not there), in a transaction of its own. A
// retry with the same key and the same request, compared as JSON values,
// gets the stored response and runs nothing, for DefaultIdempotencyTTL.
// Validation errors and conflicts with an in-flight request are not
// stored: the request never ran. Two concurrent first calls cannot both
// commit: the stored key is unique, and the loser answers with the
// winner's response. The same key with another request is refused.
func (a *App) Idempotent(ctx context.Context, pr Principal, key, route string, body []byte, render Render,
	do func(ctx context.Context, pr Principal) (any, error)) (status int, out []byte, replayed bool, err error) {
	if key == "" {
		v, err := do(ctx, pr)
		if err != nil {
			return 0, nil, false, err
		}
		st, b := render(v, nil)
		return st, b, false, nil
	}
	if len(key) > 255 {
		return 0, nil, false, invalid("Idempotency-Key", "the key is longer than 255 characters")
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x20 || key[i] > 0x7e {
			return 0, nil, false, invalid("Idempotency-Key", "the key must be printable ASCII")
		}
	}
	hash := requestHash(route, body)
	if st, b, ok, err := a.replay(ctx, pr, key, hash); ok || err != nil {
		return st, b, ok, err
	}
	rec := &idemRequest{key: key, hash: hash, render: render}
	pr.idem = rec
	v, err := do(ctx, pr)
	switch {
	case errors.Is(err, errIdemRace):
		st, b, ok, err := a.replay(ctx, pr, key, hash)
		if !ok && err == nil {
			err = &Error{Code: CodeConflict, Message: "a concurrent request with this Idempotency-Key did not finish; try again"}
		}
		return st, b, ok, err
	case err != nil && rec.status != 0:
		return rec.status, rec.body, false, nil // a refusal, stored for retries
	case err != nil:
		// A concurrent first call with this key may have committed while
		// this one ran and was refused for it (the seat or the booking is
		// already taken): the caller gets the winner's answer.
		if st, b, ok, rerr := a.replay(ctx, pr, key, hash); ok && rerr == nil {
			return st, b, true, nil
		}
		return 0, nil, false, err
	}
	if rec.status == 0 {
		// A question (decide) writes nothing, but its answer is kept all
		// the same: every POST replays its first response.
		err := a.store.Update(ctx, func(tx ledger.Tx) error { return a.saveResponse(ctx, tx, pr, v, nil, nil) })
		if errors.Is(err, errIdemRace) {
			if st, b, ok, rerr := a.replay(ctx, pr, key, hash); ok && rerr == nil {
				return st, b, true, nil
			}
		}
		if rec.status == 0 {
			rec.status, rec.body = render(v, nil)
		}
	}
	return rec.status, rec.body, false, nil
}

// requestHash identifies a request by its route and its body as a JSON
// value: members in any order, any spacing, the same escapes. A body that
// is not JSON (a YAML definition) counts byte for byte.
func requestHash(route string, body []byte) []byte {
	h := sha256.New()
	h.Write([]byte(route))
	h.Write([]byte{0})
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if len(bytes.TrimSpace(body)) > 0 && dec.Decode(&v) == nil && !dec.More() {
		canon, _ := json.Marshal(v) // maps marshal with sorted keys
		h.Write([]byte("json:"))
		h.Write(canon)
	} else {
		h.Write([]byte("raw:"))
		h.Write(body)
	}
	return h.Sum(nil)
}

func (a *App) replay(ctx context.Context, pr Principal, key string, hash []byte) (int, []byte, bool, error) {
	var prev ledger.IdempotentResponse
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		prev, err = tx.IdempotentResponse(ctx, pr.TokenID, key)
		return err
	})
	if errors.Is(err, ledger.ErrNotFound) {
		return 0, nil, false, nil
	}
	if err != nil {
		return 0, nil, false, storeErr(err, "idempotency key")
	}
	if a.now().Sub(prev.CreatedAt) >= a.idemTTL {
		// Expired: the key is new again. Purge it (and any other expired
		// key) so that this request's response can be stored under it.
		if _, err := a.PurgeIdempotency(ctx); err != nil {
			return 0, nil, false, err
		}
		return 0, nil, false, nil
	}
	if !bytes.Equal(prev.RequestHash, hash) {
		return 0, nil, false, &Error{Code: CodeIdempotencyReused, Message: "this Idempotency-Key was used for a different request"}
	}
	return prev.Status, prev.Body, true, nil
}

// PurgeIdempotency deletes the first responses older than the TTL; serve
// runs it hourly. It returns how many it deleted.
func (a *App) PurgeIdempotency(ctx context.Context) (int64, error) {
	var n int64
	err := a.store.Update(ctx, func(tx ledger.Tx) error {
		var err error
		n, err = tx.PurgeIdempotentResponses(ctx, a.now().UTC().Add(-a.idemTTL))
		return err
	})
	return n, storeErr(err, "idempotency keys")
}

// errIdemRace is a write that lost the race for its Idempotency-Key.
var errIdemRace = errors.New("another request with this idempotency key committed first")

// saveResponse stores the response of a write (or its refusal, failure)
// under its Idempotency-Key, in the write's transaction. The write path
// calls it last. v is answered now; a retry gets v too, or stored(v) when
// stored is set (a new token's secret is not kept).
func (a *App) saveResponse(ctx context.Context, tx ledger.Tx, pr Principal, v any, stored func(any) any, failure error) error {
	rec := pr.idem
	if rec == nil {
		return nil
	}
	status, answer := rec.render(v, failure)
	st, body := status, answer
	if stored != nil && failure == nil {
		st, body = rec.render(stored(v), nil)
	}
	err := tx.SaveIdempotentResponse(ctx, ledger.IdempotentResponse{Key: rec.key, Principal: pr.TokenID, RequestHash: rec.hash,
		Status: st, Body: body, CreatedAt: a.now().UTC()})
	if errors.Is(err, ledger.ErrExists) || errors.Is(err, ledger.ErrConflict) {
		return errIdemRace
	}
	if err != nil {
		return storeErr(err, "idempotency key")
	}
	rec.status, rec.body = status, answer
	return nil
}

// rememberRefusal stores a refusal under the request's key, in a
// transaction of its own (the write's rolled back), and returns err. Only
// answers are stored: a rule's no, a full slot, a missing record, a
// forbidden act, a stale If-Match. A malformed request, a conflict with an
// in-flight request and a failure of the server are not.
func (a *App) rememberRefusal(ctx context.Context, pr Principal, err error) error {
	if pr.idem == nil {
		return err
	}
	switch ErrorCode(err) {
	case CodeRefused, CodeSlotFull, CodeNotFound, CodeForbidden, CodePrecondition, CodeExists:
	default:
		return err
	}
	serr := a.store.Update(ctx, func(tx ledger.Tx) error { return a.saveResponse(ctx, tx, pr, nil, nil, err) })
	if errors.Is(serr, errIdemRace) {
		return errIdemRace
	}
	if serr != nil {
		pr.idem.status = 0 // not stored: answer with the error itself
	}
	return err
}
