package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/recert/recert/app"
	"github.com/recert/recert/internal/httpstatus"
	"github.com/recert/recert/ledger"
)

// newFormKey is the idempotency key a rendered form carries (hidden field
// "idem"): posting the same form twice (a double click, a reload of the
// POST, a retry after a lost answer) runs the change once, and the second
// post gets the first one's answer through app.Idempotent, as the API's
// Idempotency-Key does. A form rendered again gets a new key.
func newFormKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "web-" + hex.EncodeToString(b[:])
}

// storedAnswer is what app keeps of a form's first answer: the
// appointment made or changed, or the refusal with its explanation, so a
// repeat shows the same page as the first post.
type storedAnswer struct {
	Appointment string   `json:"appointment,omitempty"`
	Code        app.Code `json:"code,omitempty"`
	Message     string   `json:"message,omitempty"`
	Field       string   `json:"field,omitempty"`
	Reasons     []string `json:"reasons,omitempty"`
	Explanation []string `json:"explanation,omitempty"`
	Earliest    string   `json:"earliest_date,omitempty"`
}

// once runs an appointment change posted by a form through app.Idempotent
// under the form's key; route and fields are the request's identity (the
// same key with other fields is refused). It returns the appointment's id,
// or the refusal as an *app.Error, whether first answered or replayed.
func (s *server) once(r *http.Request, pr app.Principal, route string, fields map[string]string,
	do func(ctx context.Context, pr app.Principal) (ledger.Appointment, error)) (string, error) {
	body, err := json.Marshal(fields)
	if err != nil {
		return "", err
	}
	render := func(v any, err error) (int, []byte) {
		var a storedAnswer
		status := http.StatusSeeOther
		if err != nil {
			var e *app.Error
			if !errors.As(err, &e) {
				e = &app.Error{Code: app.CodeInternal}
			}
			status = httpstatus.Of(e.Code).Status
			a = storedAnswer{Code: e.Code, Message: e.Message, Field: e.Field, Reasons: e.Reasons, Explanation: e.Explanation, Earliest: e.EarliestDate}
		} else if ap, ok := v.(ledger.Appointment); ok {
			a.Appointment = ap.ID
		}
		b, _ := json.Marshal(a)
		return status, b
	}
	st, b, _, err := s.app.Idempotent(r.Context(), pr, r.PostFormValue("idem"), "web "+route, body, render,
		func(ctx context.Context, pr app.Principal) (any, error) { return do(ctx, pr) })
	if app.ErrorCode(err) == app.CodeIdempotencyReused {
		// The same rendered form sent again with other choices (the back
		// button): the page is shown afresh, with a new key.
		return "", &app.Error{Code: app.CodeIdempotencyReused,
			Message: "This form was already sent with other choices; nothing more was done. Here it is again: choose once more."}
	}
	if err != nil {
		return "", err
	}
	var a storedAnswer
	if err := json.Unmarshal(b, &a); err != nil {
		return "", &app.Error{Code: app.CodeInternal, Message: "a stored answer does not decode", Err: err}
	}
	if st >= 400 {
		return "", &app.Error{Code: a.Code, Message: a.Message, Field: a.Field, Reasons: a.Reasons, Explanation: a.Explanation, EarliestDate: a.Earliest}
	}
	return a.Appointment, nil
}
