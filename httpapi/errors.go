package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/recert/recert/app"
)

// Codes of errors that only the HTTP layer can make: they are about the
// request as HTTP (its size, its media type, a missing header), not about
// a use case. They are app.Codes so that one table maps every error to
// its status.
const (
	codeMethodNotAllowed     app.Code = "method_not_allowed"
	codeTooLarge             app.Code = "too_large"
	codeUnsupportedMedia     app.Code = "unsupported_media_type"
	codePreconditionRequired app.Code = "precondition_required"
	codeUnavailable          app.Code = "unavailable"
	// codeTooManyRequests is 429: too many failed authentications from
	// the client's address, or request bodies in flight holding all the
	// memory they may. Either way the answer has Retry-After.
	codeTooManyRequests app.Code = "too_many_requests"
)

// kind is what the one table knows about a code: its status and the
// problem's title, which is the same for every occurrence (RFC 9457 3.1.3).
type kind struct {
	status int
	title  string
}

// kinds is THE table from error codes to HTTP statuses. Every error
// response is written from it, so a code cannot answer 409 in one handler
// and 422 in another. A code missing here answers 500: the test of this
// table lists app's codes, so a new one fails it until it is placed.
var kinds = map[app.Code]kind{
	app.CodeInvalid:           {http.StatusBadRequest, "The request is not valid"},
	app.CodeUnauthenticated:   {http.StatusUnauthorized, "A valid bearer token is required"},
	app.CodeForbidden:         {http.StatusForbidden, "This token may not do that"},
	app.CodeNotFound:          {http.StatusNotFound, "Not found"},
	codeMethodNotAllowed:      {http.StatusMethodNotAllowed, "Method not allowed"},
	app.CodeExists:            {http.StatusConflict, "It already exists"},
	app.CodeConflict:          {http.StatusConflict, "A concurrent change won; try again"},
	app.CodeSlotFull:          {http.StatusConflict, "No seat is left in that slot"},
	app.CodePrecondition:      {http.StatusPreconditionFailed, "It has changed since it was read"},
	codeTooLarge:              {http.StatusRequestEntityTooLarge, "The request body is too large"},
	codeUnsupportedMedia:      {http.StatusUnsupportedMediaType, "Unsupported media type"},
	app.CodeIdempotencyReused: {http.StatusUnprocessableEntity, "The Idempotency-Key was used for another request"},
	app.CodeRefused:           {http.StatusUnprocessableEntity, "The program's rules refuse it"},
	codePreconditionRequired:  {http.StatusPreconditionRequired, "If-Match is required"},
	codeTooManyRequests:       {http.StatusTooManyRequests, "Too many requests; retry after the time Retry-After gives"},
	app.CodeInternal:          {http.StatusInternalServerError, "Internal server error"},
	codeUnavailable:           {http.StatusServiceUnavailable, "The service is not ready"},
}

// problemType is the problem type URI of a code. tag: URIs name a type
// without promising a page behind it (RFC 9457 4.1 suggests them); the
// OpenAPI document lists the codes.
func problemType(c app.Code) string { return "tag:recert.dev,2026:problem:" + string(c) }

// problem is an RFC 9457 problem details object with recert's extension
// members. A refusal carries the engine's reason codes and explanation,
// so a client can tell retake_wait from slot_full without parsing prose.
type problem struct {
	Type         string   `json:"type"`
	Title        string   `json:"title"`
	Status       int      `json:"status"`
	Detail       string   `json:"detail"`
	Instance     string   `json:"instance"`
	Code         app.Code `json:"code"`
	Field        string   `json:"field,omitempty"`
	Reasons      []string `json:"reasons,omitempty"`
	Explanation  []string `json:"explanation,omitempty"`
	EarliestDate string   `json:"earliest_date,omitempty"`
	RetryAt      string   `json:"retry_at,omitempty"`
	Program      string   `json:"program,omitempty"`
	// Decision is the engine's decision behind a refusal, as the engine
	// encodes it everywhere (retry_at and consequences included).
	Decision json.RawMessage `json:"decision,omitempty"`
}

// fail builds an error of the HTTP layer.
func fail(code app.Code, field, msg string) error {
	return &app.Error{Code: code, Field: field, Message: msg}
}

// writeProblem is the one place an error becomes a response. An internal
// error's cause is logged and never shown: it may name tables or files.
func (s *server) writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	status, body := s.problemBody(r, err)
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="recert"`) // RFC 6750 3
	}
	writeProblemBody(w, status, body)
}

// writeProblemBody writes a rendered problem, first or replayed.
func writeProblemBody(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// problemBody renders err as a problem document and its status. A stored
// refusal is rendered here too, so its replay is byte for byte the first.
func (s *server) problemBody(r *http.Request, err error) (int, []byte) {
	var e *app.Error
	if !errors.As(err, &e) {
		e = &app.Error{Code: app.CodeInternal, Err: err}
	}
	k, ok := kinds[e.Code]
	if !ok {
		k = kinds[app.CodeInternal]
	}
	p := problem{Type: problemType(e.Code), Title: k.title, Status: k.status, Detail: e.Message, Instance: r.URL.Path,
		Code: e.Code, Field: e.Field, Reasons: e.Reasons, Explanation: e.Explanation,
		EarliestDate: e.EarliestDate, RetryAt: e.RetryAt, Program: e.Program, Decision: e.Decision}
	if k.status >= 500 && e.Code != codeUnavailable {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "code", string(e.Code), "error", err)
		p.Code, p.Type, p.Title, p.Field = app.CodeInternal, problemType(app.CodeInternal), kinds[app.CodeInternal].title, ""
		p.Detail = "the server failed to answer; the cause has been logged"
	}
	if p.Detail == "" {
		p.Detail = k.title
	}
	body, _ := json.Marshal(p) // problem has only strings, ints and string slices
	return k.status, body
}

// statusOf reads the table as the tests of the table do.
func statusOf(code app.Code) int {
	if k, ok := kinds[code]; ok {
		return k.status
	}
	return http.StatusInternalServerError
}
