package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
)

// rateRow is a report row with its rate in words.
type rateRow struct {
	Exam, Domain string
	Of, Count    int
	Rate         float64 // as app computes it
	Percent      string
}

// passRatesPage is the pass-rates report: per exam and per domain.
type passRatesPage struct {
	Exams, Domains         []rateRow
	ExamChart, DomainChart template.HTML
}

// reportPassRates is /staff/reports/pass-rates, with its tables as CSV at
// pass-rates.csv (per exam) and domain-pass-rates.csv (per domain).
func reportPassRates(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, err := me(r)
	if err != nil {
		return err
	}
	rates, err := s.app.PassRates(r.Context(), pr)
	if err != nil {
		return err
	}
	var p passRatesPage
	ec := chart{ID: "chart-pass-rates", Title: "Pass rate per exam", Desc: "The share of sittings that passed, per exam.", Max: 1}
	for _, e := range rates.Exams {
		row := rateRow{Exam: e.Exam, Of: e.Sittings, Count: e.Passed, Rate: e.Rate, Percent: percent(e.Rate)}
		p.Exams = append(p.Exams, row)
		ec.Bars = append(ec.Bars, bar{Label: e.Exam, Value: e.Rate, Text: row.Percent + " (" + strconv.Itoa(e.Passed) + " of " + strconv.Itoa(e.Sittings) + ")"})
	}
	dc := chart{ID: "chart-domain-pass-rates", Title: "Domains meeting the standard", Desc: "Per exam and domain, the share of score reports in which the domain met its standard.", Max: 1}
	for _, d := range rates.Domains {
		row := rateRow{Exam: d.Exam, Domain: d.Domain, Of: d.Graded, Count: d.Meeting, Rate: d.Rate, Percent: percent(d.Rate)}
		p.Domains = append(p.Domains, row)
		dc.Bars = append(dc.Bars, bar{Label: d.Exam + ": " + d.Domain, Value: d.Rate, Text: row.Percent + " (" + strconv.Itoa(d.Meeting) + " of " + strconv.Itoa(d.Graded) + ")"})
	}
	if wantsCSV(r) {
		if strings.Contains(r.URL.Path, "domain") {
			rows := make([][]string, len(p.Domains))
			for i, d := range p.Domains {
				rows[i] = []string{d.Exam, d.Domain, strconv.Itoa(d.Of), strconv.Itoa(d.Count), fraction(d.Rate)}
			}
			return writeCSV(w, "domain-pass-rates.csv", []string{"exam", "domain", "graded", "meeting", "rate"}, rows)
		}
		rows := make([][]string, len(p.Exams))
		for i, e := range p.Exams {
			rows[i] = []string{e.Exam, strconv.Itoa(e.Of), strconv.Itoa(e.Count), fraction(e.Rate)}
		}
		return writeCSV(w, "pass-rates.csv", []string{"exam", "sittings", "passed", "rate"}, rows)
	}
	p.ExamChart, p.DomainChart = ec.svg(), dc.svg()
	s.render(w, r, http.StatusOK, "report_pass_rates", p)
	return nil
}

// fraction is a rate app computed, as a decimal fraction for a CSV cell.
func fraction(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }
