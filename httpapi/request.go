package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/internal/httpstatus"
	"github.com/recert/recert/ledger"
)

// readBody reads the whole body, at most limit bytes: a larger one is 413
// before it is buffered, so a client cannot make the server hold 1 GiB.
// The bytes come out of the server's body budget first (bodyBudget): when
// too many bodies are in flight the request is 429 with Retry-After, its
// body unread. types lists the media types accepted; a body without
// Content-Type is read as the first.
func readBody(w http.ResponseWriter, r *http.Request, limit int64, types ...string) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !accepts(types, mt) {
			return nil, fail(httpstatus.UnsupportedMedia, "Content-Type", fmt.Sprintf("send the body as %s, not %q", strings.Join(types, " or "), ct))
		}
	}
	tooLarge := fail(httpstatus.TooLarge, "", fmt.Sprintf("the body is larger than %d bytes", limit))
	if r.ContentLength > limit {
		return nil, tooLarge
	}
	size := limit // the most a body of undeclared length may take
	if r.ContentLength >= 0 {
		size = r.ContentLength // net/http reads no further
	}
	if !reserve(r.Context(), size) {
		w.Header().Set("Retry-After", "1")
		return nil, fail(httpstatus.TooManyRequests, "", "the server is reading as many request bodies as it may at once; retry after a second")
	}
	b, over, err := readAtMost(http.MaxBytesReader(w, r.Body, limit), size)
	var maxErr *http.MaxBytesError
	if over || errors.As(err, &maxErr) {
		return nil, tooLarge
	}
	if err != nil {
		return nil, fail(app.CodeInvalid, "", "the body could not be read: "+err.Error())
	}
	return b, nil
}

func accepts(types []string, mt string) bool {
	for _, t := range types {
		if t == mt || t == "application/json" && strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json") {
			return true
		}
	}
	return false
}

// decodeJSON reads a JSON object into v. Unknown fields are refused by
// name, so a misspelt "use_vocher" is an error rather than a full-price
// booking; so are duplicate names, invalid UTF-8 and control characters
// (app.CheckJSONText). An empty body is an empty object when optional is set.
func decodeJSON(body []byte, v any, optional bool) error {
	if len(bytes.TrimSpace(body)) == 0 {
		if optional {
			return nil
		}
		return fail(app.CodeInvalid, "", "a JSON body is required")
	}
	if err := app.CheckJSONText(body, nil); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, err := dec.Token(); err != io.EOF {
			return fail(app.CodeInvalid, "", "the body holds more than one JSON value")
		}
		return nil
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fail(app.CodeInvalid, "", fmt.Sprintf("the body is not valid JSON at byte %d: %v", syntax.Offset, err))
	case errors.As(err, &typ) && typ.Field == "":
		return fail(app.CodeInvalid, "", "the body must be a JSON object, not "+typ.Value)
	case errors.As(err, &typ):
		return fail(app.CodeInvalid, typ.Field, fmt.Sprintf("%s must be a JSON %s, not %s", typ.Field, jsonKind(typ.Type.Kind().String()), typ.Value))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return fail(app.CodeInvalid, name, fmt.Sprintf("unknown field %q", name))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fail(app.CodeInvalid, "", "the JSON body ends too early")
	}
	return fail(app.CodeInvalid, "", "the body is not a valid JSON object: "+err.Error())
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "struct", "map":
		return "object"
	case "slice", "array":
		return "array"
	case "ptr":
		return "value of another type"
	}
	return "number"
}

// instant reads an RFC 3339 time; field names it in the error.
func instant(field, v string, required bool) (time.Time, error) {
	if v == "" {
		if required {
			return time.Time{}, fail(app.CodeInvalid, field, field+" is required (RFC 3339)")
		}
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fail(app.CodeInvalid, field, fmt.Sprintf("%s %q is not an RFC 3339 time", field, v))
	}
	return t, nil
}

// pageParams reads ?limit= (default 50, at most 500) and ?after=.
func pageParams(r *http.Request) (ledger.Page, error) {
	p := ledger.Page{Limit: 50, After: r.URL.Query().Get("after")}
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return p, fail(app.CodeInvalid, "limit", "limit must be a whole number from 1 to 500")
		}
		p.Limit = n
	}
	return p, nil
}

// pageOf is a list response. Next is the cursor of the following page, or
// null on the last one: it is the id of the last item, and clients treat
// it as opaque.
type pageOf[T any] struct {
	Items []T     `json:"items"`
	Next  *string `json:"next"`
}

// fetchPage asks list for one more item than the page holds, so that the
// last page says so (next null) instead of leading to an empty one. app
// caps a page at 500 rows; a full page of 500 therefore always has a next.
func fetchPage[S, T any](p ledger.Page, list func(ledger.Page) ([]S, error), conv func(S) T, cursor func(S) string) (pageOf[T], error) {
	want := p.Limit
	p.Limit = min(want+1, 500)
	rows, err := list(p)
	if err != nil {
		return pageOf[T]{}, err
	}
	out := pageOf[T]{Items: make([]T, 0, min(len(rows), want))}
	more := len(rows) > want || len(rows) == 500
	if len(rows) > want {
		rows = rows[:want]
	}
	for _, row := range rows {
		out.Items = append(out.Items, conv(row))
	}
	if more && len(rows) > 0 {
		c := cursor(rows[len(rows)-1])
		out.Next = &c
	}
	return out, nil
}

// ifMatch reads If-Match: one strong ETag, "<rev>". A weak or malformed
// tag can never match a strong one (RFC 9110 13.1.1), so it is 412.
// required is for PATCH, where a write without it is 428: the caller must
// prove it saw the version it changes.
func ifMatch(r *http.Request, required bool) (int64, error) {
	v := strings.TrimSpace(r.Header.Get("If-Match"))
	if v == "" {
		if required {
			return 0, fail(httpstatus.PreconditionRequired, "If-Match", "send If-Match with the ETag of the version you read")
		}
		return 0, nil
	}
	if v == "*" {
		return 0, fail(app.CodeInvalid, "If-Match", `If-Match: * is not accepted; send the ETag you read`)
	}
	n, err := strconv.ParseInt(strings.Trim(v, `"`), 10, 64)
	if err != nil || n < 1 || !strings.HasPrefix(v, `"`) || !strings.HasSuffix(v, `"`) || len(v) < 3 {
		return 0, fail(app.CodePrecondition, "If-Match", fmt.Sprintf("If-Match %s matches no version", v))
	}
	return n, nil
}

func etag(rev int64) string { return `"` + strconv.FormatInt(rev, 10) + `"` }

// writeJSON writes v as the response. Marshalling happens before the
// header is written, so a failure can still become a problem.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	writeRaw(w, status, b)
	return nil
}

func writeRaw(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// post runs a write through app.Idempotent and writes its response. The
// rendered bytes are what a retry with the same Idempotency-Key receives,
// byte for byte, with Idempotent-Replayed: true; a concurrent request
// that loses the race for the key gets it too (app replays it). The
// request identity is method, path and body.
func (s *server) post(w http.ResponseWriter, r *http.Request, body []byte, status int, render func(any) any,
	do func(ctx context.Context, pr app.Principal) (any, error)) error {
	key := r.Header.Get("Idempotency-Key")
	// A header value may hold any byte above 0x7f (RFC 9110 5.5); the key
	// is stored as text, so it must be some.
	if err := checkParam("Idempotency-Key", key); err != nil {
		return err
	}
	rend := func(v any, err error) (int, []byte) {
		if err != nil {
			return s.problemBody(r, err)
		}
		b, err := json.Marshal(render(v))
		if err != nil {
			panic(err) // wire types hold strings, numbers, times and raw JSON only
		}
		return status, b
	}
	st, b, replayed, err := s.app.Idempotent(r.Context(), principal(r), key, r.Method+" "+r.URL.Path, body, rend, do)
	if err != nil {
		return err
	}
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	if st >= 400 { // a refusal, as first answered
		writeProblemBody(w, st, b)
		return nil
	}
	describe(w, r, st, b)
	writeRaw(w, st, b)
	return nil
}

// wireMeta is what the headers of a write's answer are made of, read
// back from the rendered body: a replay has only the stored bytes, and
// must carry the same Location and ETag as the first answer.
type wireMeta struct {
	ID      string `json:"id"`
	Rev     int64  `json:"rev"`
	Version string `json:"version"`
}

// locations gives, for each route that creates, the URI of what it made
// (RFC 9110 15.3.2: a 201's Location names the new resource).
var locations = map[string]func(m wireMeta) string{
	"POST /v1/candidates":   func(m wireMeta) string { return "/v1/candidates/" + url.PathEscape(m.ID) },
	"POST /v1/centers":      func(m wireMeta) string { return "/v1/centers/" + url.PathEscape(m.ID) },
	"POST /v1/appointments": func(m wireMeta) string { return "/v1/appointments/" + url.PathEscape(m.ID) },
	"POST /v1/programs": func(m wireMeta) string {
		return "/v1/programs/" + url.PathEscape(m.ID) + "/versions/" + url.PathEscape(m.Version)
	},
	"POST /v1/results":  func(m wireMeta) string { return "/v1/results/" + url.PathEscape(m.ID) },
	"POST /v1/tokens":   func(m wireMeta) string { return "/v1/tokens/" + url.PathEscape(m.ID) },
	"POST /v1/webhooks": func(m wireMeta) string { return "/v1/webhooks/" + url.PathEscape(m.ID) },
}

// describe sets Location on a 201 and ETag on any success that returns a
// record with a rev (an appointment after cancel, say), so a client can
// send If-Match next without reading the record again.
func describe(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	if status < 200 || status > 299 {
		return
	}
	var m wireMeta
	if json.Unmarshal(body, &m) != nil {
		return
	}
	if m.Rev > 0 {
		w.Header().Set("ETag", etag(m.Rev))
	}
	if loc, ok := locations[r.Pattern]; ok && status == http.StatusCreated {
		w.Header().Set("Location", loc(m))
	}
}
