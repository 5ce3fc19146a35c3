package app

import (
	"context"
	"crypto/sha256"
	"errors"

	"github.com/recert/recert/ledger"
)

// Render turns a use case's result into the response a caller receives,
// so that the very bytes can be stored for retries.
type Render func(v any) (status int, body []byte)

// Idempotent runs a write once per (caller, key). The first call runs do
// and stores the rendered response in the write's own transaction; a retry
// with the same key and request gets the stored response and runs nothing,
// so a retried booking books, charges and issues nothing twice. Two
// concurrent first calls cannot both commit: the stored key is unique, the
// loser's transaction rolls back whole, and it answers with the winner's
// response. The same key with another request is refused.
func (a *App) Idempotent(ctx context.Context, pr Principal, key string, request []byte, render Render,
	do func(ctx context.Context) (any, error)) (status int, body []byte, replayed bool, err error) {
	if key == "" {
		v, err := do(ctx)
		if err != nil {
			return 0, nil, false, err
		}
		st, b := render(v)
		return st, b, false, nil
	}
	if len(key) > 255 {
		return 0, nil, false, invalid("Idempotency-Key", "the key is longer than 255 characters")
	}
	sum := sha256.Sum256(request)
	if st, b, ok, err := a.replay(ctx, pr, key, sum[:]); ok || err != nil {
		return st, b, ok, err
	}
	rec := &idemRecord{principal: pr.TokenID, key: key, hash: sum[:], render: render}
	v, err := do(context.WithValue(ctx, idemKey{}, rec))
	if errors.Is(err, errIdemRace) {
		st, b, ok, err := a.replay(ctx, pr, key, sum[:])
		if !ok && err == nil {
			err = &Error{Code: CodeConflict, Message: "a concurrent request with this Idempotency-Key did not finish; try again"}
		}
		return st, b, ok, err
	}
	if err != nil {
		// A concurrent first call with this key may have committed while
		// this one ran and was refused for it (the seat or the booking is
		// already taken): the caller gets the winner's answer.
		if st, b, ok, rerr := a.replay(ctx, pr, key, sum[:]); ok && rerr == nil {
			return st, b, true, nil
		}
		return 0, nil, false, err
	}
	if rec.status == 0 { // a use case that stores nothing (a question, not a write)
		rec.status, rec.body = render(v)
	}
	return rec.status, rec.body, false, nil
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
	if string(prev.RequestHash) != string(hash) {
		return 0, nil, false, &Error{Code: CodeIdempotencyReused, Message: "this Idempotency-Key was used for a different request"}
	}
	return prev.Status, prev.Body, true, nil
}

type idemKey struct{}

type idemRecord struct {
	principal, key string
	hash           []byte
	render         Render
	status         int
	body           []byte
}

// errIdemRace is a write that lost the race for its Idempotency-Key.
var errIdemRace = errors.New("another request with this idempotency key committed first")

// remember stores the response of a write under its Idempotency-Key, in
// the write's transaction. Every write use case calls it last.
func (a *App) remember(ctx context.Context, tx ledger.Tx, v any) error {
	return a.rememberAs(ctx, tx, v, v)
}

// rememberAs answers with v but stores stored: a response holding a
// secret (a new token) is replayed without it, so that no secret is ever
// kept in the database in clear.
func (a *App) rememberAs(ctx context.Context, tx ledger.Tx, v, stored any) error {
	rec, _ := ctx.Value(idemKey{}).(*idemRecord)
	if rec == nil {
		return nil
	}
	rec.status, rec.body = rec.render(v)
	st, body := rec.render(stored)
	err := tx.SaveIdempotentResponse(ctx, ledger.IdempotentResponse{Key: rec.key, Principal: rec.principal, RequestHash: rec.hash,
		Status: st, Body: body, CreatedAt: a.now().UTC()})
	if errors.Is(err, ledger.ErrExists) || errors.Is(err, ledger.ErrConflict) {
		return errIdemRace
	}
	return storeErr(err, "idempotency key")
}
