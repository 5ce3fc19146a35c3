package web

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/recert/recert/app"
	"github.com/recert/recert/internal/httpstatus"
)

// maxVerifyForm bounds the verification form: a credential is at most
// 64 KiB (as POST /v1/verify), and the form's other fields and multipart
// framing are small.
const maxVerifyForm = 64<<10 + 8<<10

// verifyForm is the form page's data: what was sent back, and the error
// next to its field.
type verifyForm struct {
	Credential, Ref string
	Field, Error    string // Field: credential, file or ref
}

// verifyPage is GET /verify: paste, upload, or name a credential. Public.
func verifyPage(s *server, w http.ResponseWriter, r *http.Request) error {
	f := verifyForm{Ref: r.URL.Query().Get("ref")}
	s.render(w, r, http.StatusOK, "verify", f)
	return nil
}

// verifyPost is POST /verify: the result page, or the form again with
// the error beside its field. Public and read-only; like every form it carries a CSRF token (a visitor's double-submit one), though it changes nothing.
func verifyPost(s *server, w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxVerifyForm)
	var f verifyForm
	if err := parseForm(r); err != nil {
		f.Field, f.Error = "credential", "The form is larger than a credential can be (64 KiB) or could not be read."
		s.render(w, r, http.StatusRequestEntityTooLarge, "verify", f)
		return nil
	}
	f.Credential, f.Ref = strings.TrimSpace(r.FormValue("credential")), strings.TrimSpace(r.FormValue("ref"))
	var upload []byte
	if file, _, err := r.FormFile("file"); err == nil {
		upload, err = io.ReadAll(io.LimitReader(file, maxVerifyForm))
		_ = file.Close()
		if err != nil {
			f.Field, f.Error = "file", "The file could not be read."
			s.render(w, r, http.StatusBadRequest, "verify", f)
			return nil
		}
		upload = []byte(strings.TrimSpace(string(upload)))
	}
	given := 0
	for _, set := range []bool{f.Credential != "", len(upload) > 0, f.Ref != ""} {
		if set {
			given++
		}
	}
	if given != 1 {
		f.Field, f.Error = "credential", "Paste a credential, choose a file, or give a credential's id or link: one of the three."
		s.render(w, r, http.StatusBadRequest, "verify", f)
		return nil
	}
	var v app.Verification
	var err error
	switch {
	case f.Ref != "":
		v, err = s.app.VerifyStored(r.Context(), f.Ref)
	case len(upload) > 0:
		v, err = s.app.VerifyCredential(r.Context(), upload)
	default:
		v, err = s.app.VerifyCredential(r.Context(), []byte(f.Credential))
	}
	var e *app.Error
	if errors.As(err, &e) && (e.Field == "id" || e.Field == "url") {
		f.Field, f.Error = "ref", e.Message
		s.render(w, r, httpstatus.Of(e.Code).Status, "verify", f)
		return nil
	}
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "verify_result", verifyResultPage(v))
	return nil
}

// parseForm reads a multipart form (a file) or a urlencoded one.
func parseForm(r *http.Request) error {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return r.ParseMultipartForm(maxVerifyForm)
	}
	return r.ParseForm()
}
