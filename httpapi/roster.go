package httpapi

import (
	"bytes"
	"errors"
	"net/http"

	"github.com/recert/recert/app"
	"github.com/recert/recert/internal/httpstatus"
)

// maxRosterBody bounds a roster's CSV: a thousand rows of ids or URLs fit
// in far less; whole VC-JWTs (a few KiB each) fit a few hundred.
const maxRosterBody = 1 << 20

// verifyRoster is POST /v1/verify/roster: a CSV roster in, a CSV answer
// out, one row per roster row. A row that cannot be verified is a row
// with its error; only a CSV that cannot be read is 400 (naming the
// line), and a roster beyond its bounds (maxRosterBody bytes,
// app.MaxRosterRows rows) is 413 naming the bound. Public and read-only,
// like POST /v1/verify: Idempotency-Key does not apply.
func verifyRoster(s *server, w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(w, r, maxRosterBody, "text/csv")
	if err != nil {
		return err
	}
	rows, err := s.app.VerifyRoster(r.Context(), bytes.NewReader(body))
	if errors.Is(err, app.ErrRosterTooLarge) {
		return fail(httpstatus.TooLarge, "roster", app.ErrRosterTooLarge.Error()+"; split it")
	}
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := app.WriteRosterCSV(&buf, rows); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="verified-roster.csv"`)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
	return nil
}
