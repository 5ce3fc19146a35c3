package app

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/recert/recert/ledger"
)

// Code classifies an error for callers; httpapi maps each code to one HTTP
// status in one table.
type Code string

const (
	CodeInvalid           Code = "invalid"             // the request is malformed
	CodeNotFound          Code = "not_found"           // no such record (or not visible to the caller)
	CodeExists            Code = "exists"              // a create whose id is taken
	CodeConflict          Code = "conflict"            // lost a race; retrying may succeed
	CodePrecondition      Code = "precondition_failed" // If-Match did not match
	CodeRefused           Code = "refused"             // the program's rules refuse it: see Reasons
	CodeSlotFull          Code = "slot_full"           // no seat left
	CodeUnauthenticated   Code = "unauthenticated"
	CodeForbidden         Code = "forbidden"
	CodeIdempotencyReused Code = "idempotency_key_reused" // same key, different request
	CodeInternal          Code = "internal"
)

// Error is an error with a code and a message a person can act on. A
// refusal also carries the engine's reason codes and explanation: a
// refusal is never a bare status.
type Error struct {
	Code         Code
	Message      string
	Field        string   // the input field at fault, for invalid
	Reasons      []string // policy reason codes, for refused
	Explanation  []string
	EarliestDate string // YYYY-MM-DD, when the engine gave one
	RetryAt      string // RFC 3339, when the engine gave one
	Program      string // id@version that decided
	// Decision is the engine's decision as its one JSON encoder writes it
	// (policy.AppendDecisionJSON), for a refusal.
	Decision json.RawMessage
	Err      error // the cause, for logs
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return string(e.Code) + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorCode returns the code of err: "" for nil, CodeInternal for an
// error without one.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

func errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func invalid(field, format string, args ...any) *Error {
	return &Error{Code: CodeInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// storeErr turns a store error into a coded one, naming what was sought.
func storeErr(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ledger.ErrNotFound):
		return &Error{Code: CodeNotFound, Message: what + " not found", Err: err}
	case errors.Is(err, ledger.ErrExists):
		return &Error{Code: CodeExists, Message: what + " already exists", Err: err}
	case errors.Is(err, ledger.ErrConflict):
		return &Error{Code: CodePrecondition, Message: what + " has changed since it was read", Err: err}
	case errors.Is(err, ledger.ErrFull):
		return &Error{Code: CodeSlotFull, Message: "no seat is left in that slot", Err: err}
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Code: CodeInternal, Message: "the store failed", Err: err}
}
