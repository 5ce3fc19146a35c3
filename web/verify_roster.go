package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/recert/recert/app"
	"github.com/recert/recert/internal/httpstatus"
)

// maxRoster bounds a roster upload, as POST /v1/verify/roster does.
const maxRoster = 1 << 20

// rosterForm is the roster page's data.
type rosterForm struct {
	MaxRows int
	Error   string
}

// rosterPage is GET /verify/roster: upload a CSV roster. Public.
func rosterPage(s *server, w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "verify_roster", rosterForm{MaxRows: app.MaxRosterRows})
	return nil
}

// rosterPost is POST /verify/roster: the answer CSV as a download, or the
// form again with what was wrong with the file. Public, read-only
// (public; its form carries a visitor's CSRF token like every form).
func rosterPost(s *server, w http.ResponseWriter, r *http.Request) error {
	again := func(status int, msg string) error {
		s.render(w, r, status, "verify_roster", rosterForm{MaxRows: app.MaxRosterRows, Error: msg})
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxRoster+16<<10)
	if err := r.ParseMultipartForm(maxRoster + 16<<10); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return again(http.StatusRequestEntityTooLarge, "The roster is larger than 1 MiB: split it into smaller files.")
		}
		return again(http.StatusBadRequest, "Choose a CSV file to upload.")
	}
	file, _, err := r.FormFile("roster")
	if err != nil {
		return again(http.StatusBadRequest, "Choose a CSV file to upload.")
	}
	defer file.Close()
	body, err := io.ReadAll(io.LimitReader(file, maxRoster+1))
	if err != nil {
		return again(http.StatusBadRequest, "The file could not be read.")
	}
	if len(body) > maxRoster {
		return again(http.StatusRequestEntityTooLarge, "The roster is larger than 1 MiB: split it into smaller files.")
	}
	rows, err := s.app.VerifyRoster(r.Context(), bytes.NewReader(body))
	if errors.Is(err, app.ErrRosterTooLarge) {
		return again(http.StatusRequestEntityTooLarge, "The roster has more than "+strconv.Itoa(app.MaxRosterRows)+" rows: split it into smaller files.")
	}
	var e *app.Error
	if errors.As(err, &e) && e.Field == "roster" {
		return again(httpstatus.Of(e.Code).Status, "The roster cannot be read: "+e.Message)
	}
	if err != nil {
		return err
	}
	var out bytes.Buffer
	if err := app.WriteRosterCSV(&out, rows); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="verified-roster.csv"`)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out.Bytes())
	return nil
}
