package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/recert/recert/app"
	"github.com/recert/recert/internal/httpstatus"
)

// kinds is THE table from error codes to HTTP statuses, shared with the
// pages (internal/httpstatus). Every error response is written from it.
var kinds = httpstatus.Table

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
	p := problem{Type: problemType(e.Code), Title: k.Title, Status: k.Status, Detail: e.Message, Instance: r.URL.Path,
		Code: e.Code, Field: e.Field, Reasons: e.Reasons, Explanation: e.Explanation,
		EarliestDate: e.EarliestDate, RetryAt: e.RetryAt, Program: e.Program, Decision: e.Decision}
	if k.Status >= 500 && e.Code != httpstatus.Unavailable {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "code", string(e.Code), "error", err)
		p.Code, p.Type, p.Title, p.Field = app.CodeInternal, problemType(app.CodeInternal), kinds[app.CodeInternal].Title, ""
		p.Detail = "the server failed to answer; the cause has been logged"
	}
	if p.Detail == "" {
		p.Detail = k.Title
	}
	body, _ := json.Marshal(p) // problem has only strings, ints and string slices
	return k.Status, body
}

// statusOf reads the table as the tests of the table do.
func statusOf(code app.Code) int {
	if k, ok := kinds[code]; ok {
		return k.Status
	}
	return http.StatusInternalServerError
}
