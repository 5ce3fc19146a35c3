package web_test

import (
	"context"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/recert/recert/app"
)

// seed books and sits for five candidates: four passes whose three-year
// terms end 19, 89, 160 and 294 days after 2029-02-10, one fail, and one
// no-show, then sets the clock to 2029-02-10.
func seed(t *testing.T, s *staffSite) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.a.CreateCenter(ctx, app.System, app.CenterInput{ID: "tc1", Name: "Seattle", Seats: 10, TimeZone: "America/Los_Angeles"}); err != nil {
		t.Fatal(err)
	}
	type sitting struct {
		id, name, slot string
		score          int
	}
	sits := []sitting{
		{"p1", "Ada Lovelace", "2026-03-01T18:00:00Z", 760},
		{"p2", "Grace Hopper", "2026-05-10T18:00:00Z", 800},
		{"p3", "Alan Turing", "2026-07-20T18:00:00Z", 720},
		{"p4", "Edsger Dijkstra", "2026-12-01T18:00:00Z", 900},
		{"f1", "Barbara Liskov", "2026-03-01T18:00:00Z", 640},
		{"n1", "Donald Knuth", "2026-03-01T18:00:00Z", 0},
	}
	var aps []string
	for _, x := range sits {
		if _, err := s.a.CreateCandidate(ctx, app.System, app.CandidateInput{ID: x.id, Name: x.name, Email: x.id + "@example.org"}); err != nil {
			t.Fatal(err)
		}
		ap, err := s.a.Book(ctx, app.System, app.BookInput{Candidate: x.id, Exam: "AIF-C01", Center: "tc1", Slot: mustTime(x.slot)})
		if err != nil {
			t.Fatalf("book %s: %v", x.id, err)
		}
		aps = append(aps, ap.ID)
	}
	s.clk.set("2026-03-02T10:00:00Z")
	if _, err := s.a.NoShow(ctx, app.System, app.Change{Appointment: aps[5]}); err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 4, 1, 2, 3} {
		s.clk.set(mustTime(sits[i].slot).AddDate(0, 0, 1).Format("2006-01-02T15:04:05Z"))
		sc := sits[i].score
		if _, err := s.a.RecordResult(ctx, app.System, app.ResultInput{Appointment: aps[i], Scaled: &sc}); err != nil {
			t.Fatalf("result of %s: %v", sits[i].id, err)
		}
	}
	s.clk.set("2029-02-10T08:00:00Z")
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err) // the test's own constants
	}
	return t
}

func TestExpiringReportWindowsAndCSV(t *testing.T) {
	s := newStaffSite(t)
	seed(t, s)
	want := map[string][]string{"30": {"p1"}, "90": {"p1", "p2"}, "180": {"p1", "p2", "p3"}}
	for within, ids := range want {
		res, body := get(t, s.as["staff"].URL+"/staff/reports/expiring?within="+within)
		if res.StatusCode != 200 {
			t.Fatalf("within %s = %d", within, res.StatusCode)
		}
		d := parse(t, body)
		var rows [][]string
		d.Find("#expiring tbody tr").Each(func(_ int, tr *goquery.Selection) {
			href, _ := tr.Find("th a").Attr("href")
			rows = append(rows, []string{strings.TrimSuffix(strings.TrimPrefix(href, "/staff/candidates/"), "/history"),
				tr.Find("th").Text(), tr.Find("td").Eq(0).Text(), tr.Find("td").Eq(1).Text(), tr.Find("td").Eq(2).Text(), tr.Find("td").Eq(3).Text()})
		})
		var got []string
		for _, r := range rows {
			got = append(got, r[0])
		}
		if strings.Join(got, ",") != strings.Join(ids, ",") {
			t.Errorf("within %s days: %v, want %v", within, got, ids)
		}
		csvURL, _ := d.Find("#export-csv").Attr("href")
		res, body = get(t, s.as["staff"].URL+csvURL)
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") ||
			!strings.Contains(res.Header.Get("Content-Disposition"), `attachment; filename="expiring-within-`+within+`-days-2029-02-10.csv"`) {
			t.Errorf("CSV headers %q %q", ct, res.Header.Get("Content-Disposition"))
		}
		recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil || len(recs) != len(rows)+1 || recs[0][0] != "candidate" {
			t.Fatalf("CSV within %s: %v %v, want a header and %d rows", within, recs, err, len(rows))
		}
		for i, r := range rows {
			c := recs[i+1] // candidate, name, email, certification, expires_on, days_left
			if c[0] != r[0] || c[1] != r[1] || c[2] != r[2] || c[3] != r[3] || c[4] != r[4] || c[5] != r[5] {
				t.Errorf("CSV row %v, page row %v", c, r)
			}
		}
		// ?format=csv is the same file.
		if _, b2 := get(t, s.as["staff"].URL+"/staff/reports/expiring?format=csv&within="+within); b2 != body {
			t.Errorf("?format=csv differs from .csv")
		}
	}
	if res, _ := get(t, s.as["staff"].URL+"/staff/reports/expiring?within=45"); res.StatusCode != 400 && res.StatusCode != 422 {
		t.Errorf("within=45 = %d, want a 4xx", res.StatusCode)
	}
	if _, body := get(t, s.as["staff"].URL+"/staff"); !strings.Contains(parse(t, body).Find("#expiring-summary").Text(), "1 certification expire") {
		t.Errorf("the staff desk's count: %q", parse(t, body).Find("#expiring-summary").Text())
	}
}

var svgRE = regexp.MustCompile(`(?s)<svg .*?</svg>`)

func TestReportChartsAreWellFormedSVGWithLabels(t *testing.T) {
	s := newStaffSite(t)
	seed(t, s)
	wantText := map[string][]string{
		"/staff/reports/expiring":     {"Within 30 days", "1 certification", "3 certifications"},
		"/staff/reports/pass-rates":   {"AIF-C01", "80.0 % (4 of 5)"},
		"/staff/reports/appointments": {"AIF-C01", "16.7 % (1 of 6)", "0.0 % (0 of 6)"},
	}
	for page, texts := range wantText {
		_, body := get(t, s.as["staff"].URL+page)
		svgs := svgRE.FindAllString(body, -1)
		if len(svgs) == 0 {
			t.Fatalf("%s has no chart", page)
		}
		var all []string
		for _, svg := range svgs {
			dec := xml.NewDecoder(strings.NewReader(svg))
			var title, desc bool
			var role string
			var stack []string
			for {
				tok, err := dec.Token()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatalf("%s: a chart is not well-formed XML: %v\n%s", page, err, svg)
				}
				switch tk := tok.(type) {
				case xml.StartElement:
					stack = append(stack, tk.Name.Local)
					for _, a := range tk.Attr {
						if tk.Name.Local == "svg" && a.Name.Local == "role" {
							role = a.Value
						}
					}
					title = title || tk.Name.Local == "title"
					desc = desc || tk.Name.Local == "desc"
				case xml.EndElement:
					stack = stack[:len(stack)-1]
				case xml.CharData:
					if len(stack) > 0 && stack[len(stack)-1] == "text" {
						all = append(all, string(tk))
					}
				}
			}
			if role != "img" || !title || !desc {
				t.Errorf("%s: chart role %q, title %v, desc %v", page, role, title, desc)
			}
		}
		joined := strings.Join(all, "|")
		for _, w := range texts {
			if !strings.Contains(joined, w) {
				t.Errorf("%s: the charts' text %q lacks %q", page, joined, w)
			}
		}
	}
	// The tables beside the charts and their CSV files.
	_, body := get(t, s.as["staff"].URL+"/staff/reports/pass-rates.csv")
	if body != "exam,sittings,passed,rate\nAIF-C01,5,4,0.8000\n" {
		t.Errorf("pass-rates.csv = %q", body)
	}
	_, body = get(t, s.as["staff"].URL+"/staff/reports/appointments.csv")
	if body != "exam,booked,rescheduled,sat,missed,cancelled,no_show_rate,reschedule_rate\nAIF-C01,6,0,5,1,0,0.1667,0.0000\n" {
		t.Errorf("appointments.csv = %q", body)
	}
}

func TestSearchHistoryAndCalendar(t *testing.T) {
	s := newStaffSite(t)
	seed(t, s)
	_, body := get(t, s.as["staff"].URL+"/staff/candidates?q="+url.QueryEscape("hopper"))
	d := parse(t, body)
	if names := d.Find("#candidates tbody th").Map(func(_ int, s *goquery.Selection) string { return s.Text() }); len(names) != 1 || names[0] != "Grace Hopper" {
		t.Errorf("search hopper: %v", names)
	}
	if label := d.Find(`label[for="q"]`).Text(); label == "" || d.Find("#q").AttrOr("value", "") != "hopper" {
		t.Errorf("the search field has no label or lost the query")
	}
	_, body = get(t, s.as["staff"].URL+"/staff/candidates?q=zzz")
	if !strings.Contains(parse(t, body).Find("#search-count").Text(), "0 candidates found") {
		t.Errorf("a search that finds nobody does not say so")
	}

	_, body = get(t, s.as["staff"].URL+"/staff/candidates/f1/history")
	d = parse(t, body)
	if d.Find("h1").Text() != "History of Barbara Liskov" {
		t.Errorf("h1 %q", d.Find("h1").Text())
	}
	var booked *goquery.Selection
	d.Find("#history > li").Each(func(_ int, li *goquery.Selection) {
		if strings.Contains(li.Find("h2").Text(), "booked") {
			booked = li
		}
	})
	if booked == nil || booked.Find(".explanation li").Length() == 0 || !strings.HasPrefix(booked.Find(".program-version").Text(), "aws@") ||
		!strings.Contains(booked.Find(".decision").Text(), "book, allowed") {
		t.Fatalf("the booking's entry lacks its decision, explanation or program version: %s", d.Find("#history").Text())
	}

	_, body = get(t, s.as["staff"].URL+"/staff/calendar?center=tc1&week=2026-03-01")
	d = parse(t, body)
	day := d.Find("#day-2026-03-01")
	if day.Length() != 1 || !strings.Contains(day.Parent().Text(), "10:00 PST: 3 of 10 seats booked") || !strings.Contains(day.Parent().Text(), "(7 free)") {
		t.Errorf("Sunday 1 March at Seattle: %q", day.Parent().Text())
	}
	if d.Find("#next-week").AttrOr("href", "") != "/staff/calendar?center=tc1&week=2026-03-02" {
		t.Errorf("next week link %q", d.Find("#next-week").AttrOr("href", ""))
	}
}

// TestCandidateIsRefusedEveryStaffPage: app refuses a candidate every
// staff page, GET and POST, and the refusal is an error page, not data.
func TestCandidateIsRefusedEveryStaffPage(t *testing.T) {
	s := newStaffSite(t)
	seed(t, s)
	for _, p := range []string{"/staff", "/staff/programs", "/staff/programs/upload", "/staff/programs/compare?program=aws&from=a&to=b",
		"/staff/programs/aws/2026.11.1", "/staff/candidates", "/staff/candidates?q=ada", "/staff/candidates/c1/history",
		"/staff/calendar", "/staff/calendar?center=tc1", "/staff/notifications", "/staff/webhooks", "/staff/webhooks/w1/deliveries",
		"/staff/reports", "/staff/reports/expiring", "/staff/reports/expiring.csv", "/staff/reports/pass-rates",
		"/staff/reports/pass-rates.csv", "/staff/reports/domain-pass-rates.csv", "/staff/reports/appointments", "/staff/reports/appointments.csv"} {
		res, body := get(t, s.as["candidate"].URL+p)
		if res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s as a candidate = %d, want 403 or 404", p, res.StatusCode)
		}
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || strings.Contains(body, "Ada Lovelace") {
			t.Errorf("GET %s as a candidate shows data or no error page", p)
		}
	}
	for _, p := range []string{"/staff/programs/upload", "/staff/programs/aws/2026.11.1/activate"} {
		res, _ := postForm(t, s.as["candidate"].URL+p, url.Values{"definition": {"id: x"}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s as a candidate = %d, want 403", p, res.StatusCode)
		}
	}
}
