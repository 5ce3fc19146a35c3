package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/recert/recert/app"
)

// maxUpload bounds an upload's body: a definition is a few kilobytes
// (app refuses one over 8 MiB anyway, with its own message).
const maxUpload = 9 << 20

// uploadPage is the upload form, and after a refused upload the source
// with each problem at its line.
type uploadPage struct {
	Definition string
	Error      string // a problem with the form itself (nothing sent)
	Refusal    string // app's refusal when it is not about lines
	Source     *sourceView
}

// programUploadForm is GET /staff/programs/upload, for those app lets
// upload (admins).
func programUploadForm(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, err := me(r)
	if err != nil {
		return err
	}
	if err := s.app.MayUploadPrograms(pr); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "program_upload", uploadPage{})
	return nil
}

// programUpload is POST /staff/programs/upload: the definition from the
// textarea, or from the file when one is chosen. A definition app refuses
// comes back with every problem under its numbered line, linked from the
// list at the top, and nothing is stored.
func programUpload(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, err := me(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	name, src, err := uploadedDefinition(r)
	if err != nil {
		s.render(w, r, http.StatusUnprocessableEntity, "program_upload", uploadPage{Error: err.Error()})
		return nil
	}
	info, err := s.app.UploadProgram(r.Context(), pr, name, src)
	if err != nil {
		var e *app.Error
		if !errors.As(err, &e) || e.Code != app.CodeInvalid {
			return err
		}
		p := uploadPage{Definition: string(src)}
		if probs := app.DefinitionProblems(err); len(probs) > 0 {
			v := numberedSource("The definition as uploaded, with its problems", src, probs)
			p.Source = &v
		} else {
			p.Refusal = e.Message
		}
		s.render(w, r, http.StatusUnprocessableEntity, "program_upload", p)
		return nil
	}
	http.Redirect(w, r, "/staff/programs/"+info.ID+"/"+info.Version+"?uploaded=1", http.StatusSeeOther)
	return nil
}

// uploadedDefinition reads the form: a chosen file wins over the textarea.
func uploadedDefinition(r *http.Request) (string, []byte, error) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(maxUpload); err != nil {
			return "", nil, fmt.Errorf("the form could not be read: %w", err)
		}
		if f, h, err := r.FormFile("file"); err == nil {
			defer f.Close()
			b, err := io.ReadAll(f)
			if err != nil {
				return "", nil, fmt.Errorf("the file %s could not be read: %w", h.Filename, err)
			}
			if len(b) > 0 {
				return h.Filename, b, nil
			}
		}
	}
	text := r.FormValue("definition")
	if strings.TrimSpace(text) == "" {
		return "", nil, errors.New("Paste a definition or choose a file: both were empty.")
	}
	return "definition.yaml", []byte(text), nil
}
