package web

import (
	"net/http"
	"strings"

	"github.com/recert/recert/app"
)

// wantsCSV is whether a report was asked for as CSV: its .csv address,
// or ?format=csv on the page's.
func wantsCSV(r *http.Request) bool {
	return strings.HasSuffix(r.URL.Path, ".csv") || r.URL.Query().Get("format") == "csv"
}

// writeCSV sends rows as a CSV attachment named filename, through
// app.WriteCSV (which keeps cells from running as formulas).
func writeCSV(w http.ResponseWriter, filename string, header []string, rows [][]string) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	return app.WriteCSV(w, header, rows)
}
