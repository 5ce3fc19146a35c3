package web

import (
	"encoding/csv"
	"net/http"
	"strings"
)

// wantsCSV is whether a report was asked for as CSV: its .csv address,
// or ?format=csv on the page's.
func wantsCSV(r *http.Request) bool {
	return strings.HasSuffix(r.URL.Path, ".csv") || r.URL.Query().Get("format") == "csv"
}

// writeCSV sends rows as a CSV attachment named filename. A cell that a
// spreadsheet would run as a formula (=, +, -, @ first) is prefixed with
// an apostrophe: a candidate's name must not run in a staff member's
// spreadsheet.
func writeCSV(w http.ResponseWriter, filename string, header []string, rows [][]string) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, row := range rows {
		for i, c := range row {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				row[i] = "'" + c
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
