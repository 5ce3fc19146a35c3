package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"github.com/recert/recert/internal/httpstatus"
	"net/http"
	"strings"

	"github.com/recert/recert/app"
)

// CSRF protection (docs/decisions.md), in two layers on every POST:
//
//  1. net/http.CrossOriginProtection refuses a browser's cross-origin
//     request by Sec-Fetch-Site, or by Origin against Host;
//  2. the form's token (field "csrf", or header X-CSRF-Token for htmx,
//     which the layout sets on <body>) must equal the expected one,
//     compared in constant time: with a session, the session's token
//     (derived from the cookie's secret, which the server stores only as a
//     hash, so the token is nowhere in the database); before a session
//     (sign-in, token exchange, /verify), a double-submit cookie,
//     recert_csrf, that the form repeats.
//
// {{template "csrf" .}} in a form writes whichever applies.

// csrfCookie is the double-submit cookie of visitors' forms.
const csrfCookie = "recert_csrf"

// maxFormBytes bounds a page's form body, which the CSRF check reads
// before the handler does (a program definition upload included).
const maxFormBytes = 8 << 20

// formLimits are the pages whose forms are bounded tighter (or looser)
// than maxFormBytes: the bound each page's handler states.
var formLimits = map[string]int64{
	"/verify":                maxVerifyForm,
	"/verify/roster":         maxRoster + 16<<10,
	"/staff/programs/upload": maxUpload,
}

// sessionCSRF is a session's CSRF token: a hash of its secret under a
// label of its own, so neither reveals the other.
func sessionCSRF(secret string) string {
	sum := sha256.Sum256([]byte("recert csrf\x00" + secret))
	return base64.RawURLEncoding.EncodeToString(sum[:24])
}

func randomToken() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

type visitorCSRFKey struct{}

// visitorCSRF is the double-submit token of a request without a session.
func visitorCSRF(r *http.Request) string {
	v, _ := r.Context().Value(visitorCSRFKey{}).(string)
	return v
}

// csrfOf is the token a form on r must carry.
func csrfOf(r *http.Request) string {
	if se, ok := sessionOf(r); ok {
		return se.CSRF
	}
	return visitorCSRF(r)
}

// unsafe says a method changes something, so it must prove its origin.
func unsafe(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}

// checkCSRF compares the token a request carries with the expected one.
func checkCSRF(w http.ResponseWriter, r *http.Request) error {
	want := csrfOf(r)
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		// The form is read here, before its handler, so its page's own
		// bound applies here: a larger body is refused unread, as too
		// large, not as a missing token.
		limit, ok := formLimits[r.URL.Path]
		if !ok {
			limit = maxFormBytes
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		var err error
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			err = r.ParseMultipartForm(limit)
		} else {
			err = r.ParseForm()
		}
		if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
			return &app.Error{Code: httpstatus.TooLarge, Message: fmt.Sprintf("This form is larger than the %d KiB this page takes.", limit>>10)}
		}
		got = r.PostFormValue("csrf")
	}
	if want == "" || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return &app.Error{Code: app.CodeForbidden, Message: "This form was refused: it did not carry the security token of this page " +
			"(it may be from an old page, or from another site). Go back, reload the page and send it again."}
	}
	return nil
}

// crossOrigin is the first layer: a browser's cross-origin POST is
// refused with a page saying so.
func (s *server) crossOrigin(next http.Handler) http.Handler {
	p := http.NewCrossOriginProtection()
	p.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, &app.Error{Code: app.CodeForbidden, Message: "This request came from another site, so it was refused. " +
			"Open the page on this site and send the form from there."})
	}))
	return p.Handler(next)
}

// secure says cookies must be Secure: served over TLS, or behind a proxy
// whose public URL is https.
func (s *server) secure(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(s.opts.PublicURL, "https://")
}
