// Package httpstatus is THE table from error codes to HTTP statuses, shared
// by the JSON API (httpapi) and the pages (web): the two are siblings that
// never import each other, and a code must not answer 409 through one and
// 422 through the other.
package httpstatus

import (
	"net/http"

	"github.com/recert/recert/app"
)

// Codes of errors that only an HTTP layer can make: they are about the
// request as HTTP (its size, its media type, a missing header), not about
// a use case. They are app.Codes so that one table maps every error to
// its status.
const (
	MethodNotAllowed     app.Code = "method_not_allowed"
	TooLarge             app.Code = "too_large"
	UnsupportedMedia     app.Code = "unsupported_media_type"
	PreconditionRequired app.Code = "precondition_required"
	Unavailable          app.Code = "unavailable"
	// TooManyRequests is 429: too many failed authentications from the
	// client's address, or request bodies in flight holding all the
	// memory they may. Either way the answer has Retry-After.
	TooManyRequests app.Code = "too_many_requests"
)

// Kind is what the table knows about a code: its status and the problem's
// title, which is the same for every occurrence (RFC 9457 3.1.3).
type Kind struct {
	Status int
	Title  string
}

// Table maps every code to its kind. A code missing here answers 500: the
// API's test of this table lists app's codes, so a new one fails it until
// it is placed.
var Table = map[app.Code]Kind{
	app.CodeInvalid:           {http.StatusBadRequest, "The request is not valid"},
	app.CodeUnauthenticated:   {http.StatusUnauthorized, "A valid bearer token is required"},
	app.CodeForbidden:         {http.StatusForbidden, "This token may not do that"},
	app.CodeNotFound:          {http.StatusNotFound, "Not found"},
	MethodNotAllowed:          {http.StatusMethodNotAllowed, "Method not allowed"},
	app.CodeExists:            {http.StatusConflict, "It already exists"},
	app.CodeConflict:          {http.StatusConflict, "A concurrent change won; try again"},
	app.CodeSlotFull:          {http.StatusConflict, "No seat is left in that slot"},
	app.CodePrecondition:      {http.StatusPreconditionFailed, "It has changed since it was read"},
	TooLarge:                  {http.StatusRequestEntityTooLarge, "The request body is too large"},
	UnsupportedMedia:          {http.StatusUnsupportedMediaType, "Unsupported media type"},
	app.CodeIdempotencyReused: {http.StatusUnprocessableEntity, "The Idempotency-Key was used for another request"},
	app.CodeRefused:           {http.StatusUnprocessableEntity, "The program's rules refuse it"},
	PreconditionRequired:      {http.StatusPreconditionRequired, "If-Match is required"},
	TooManyRequests:           {http.StatusTooManyRequests, "Too many requests; retry after the time Retry-After gives"},
	app.CodeInternal:          {http.StatusInternalServerError, "Internal server error"},
	Unavailable:               {http.StatusServiceUnavailable, "The service is not ready"},
}

// Of is the kind of code; an unknown code is an internal error.
func Of(code app.Code) Kind {
	if k, ok := Table[code]; ok {
		return k
	}
	return Table[app.CodeInternal]
}
