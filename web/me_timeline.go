package web

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// timelineView is a candidate's history in order: bookings, sittings and
// results, fees, vouchers and certifications, each at its time in the
// viewer's zone.
type timelineView struct {
	C     candidateView
	Title string
	Items []timelineItem
}

type timelineItem struct {
	At     time.Time
	IsDate bool      // a calendar date (a voucher's issue), shown as a day
	Day    time.Time // that date, as `day` reads it
	Kind   string    // appointment, booking, result, fee, voucher, certification
	Label  string    // the kind in words
	Text   string
	Link   string
	Future bool
}

var certEventWords = map[string]string{
	"certification_earned":  "Earned",
	"certification_renewed": "Renewed",
	"certification_expired": "Expired",
	"certification_revoked": "Revoked",
}

// meTimeline shows the timeline.
func meTimeline(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, v, err := s.candidatePage(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	st, err := s.app.Standing(ctx, pr, v.ID)
	if err != nil {
		return err
	}
	aps, err := s.app.ListAppointments(ctx, pr, ledger.AppointmentFilter{Candidate: v.ID}, ledger.Page{Limit: 500})
	if err != nil {
		return err
	}
	p := v.Program
	centers := map[string]string{}
	centerName := func(id string) string {
		if n, ok := centers[id]; ok {
			return n
		}
		centers[id] = id
		if c, err := s.app.Center(ctx, pr, id); err == nil {
			centers[id] = c.Name
		}
		return centers[id]
	}
	var items []timelineItem
	add := func(it timelineItem) { it.Future = it.At.After(v.Now); items = append(items, it) }
	for _, ap := range aps {
		link := v.Base + "/appointments/" + url.PathEscape(ap.ID)
		words, _ := stateOf(ap.State)
		add(timelineItem{At: ap.BookedAt, Kind: "booking", Label: "Booked", Link: link,
			Text: examName(p, ap.Exam) + " at " + centerName(ap.Center)})
		add(timelineItem{At: ap.Slot, Kind: "appointment", Label: "Appointment", Link: link,
			Text: examName(p, ap.Exam) + " at " + centerName(ap.Center) + ": " + words + reschedWords(ap.Reschedules)})
	}
	for _, res := range st.Results {
		verdict := "failed"
		if res.Passed {
			verdict = "passed"
		}
		add(timelineItem{At: res.SatAt, Kind: "result", Label: "Result", Link: v.Base + "/results/" + url.PathEscape(res.ID),
			Text: examName(p, res.Exam) + ": scaled score " + strconv.Itoa(res.Scaled) + ", " + verdict})
	}
	for _, f := range st.Fees {
		add(timelineItem{At: f.At, Kind: "fee", Label: "Fee " + f.Kind,
			Text: policy.MoneyString(policy.Money{Minor: f.AmountMinor, Currency: f.Currency}) + " for appointment " + f.Appointment})
	}
	for _, vo := range st.Vouchers {
		text := strconv.Itoa(vo.Discount) + "% off any exam, earned by passing " + vo.FromExam
		if vo.ExpiresOn != "" {
			text += "; expires on " + date(vo.ExpiresOn).Format("2 January 2006")
		}
		words, _ := stateOf(vo.State)
		// A date sorts at the end of its day in the candidate's zone: after
		// the sitting that earned it.
		d := date(vo.IssuedOn)
		end := time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, v.Zone).Add(-time.Second)
		add(timelineItem{At: end, IsDate: true, Day: d, Kind: "voucher", Label: "Voucher", Text: text + " (" + words + ")"})
	}
	for _, c := range st.Certifications {
		for _, ev := range c.History {
			label := certEventWords[ev.Type]
			if label == "" {
				continue
			}
			add(timelineItem{At: ev.RecordedAt, Kind: "certification", Label: label, Text: certName(p, c.Certification.Certification)})
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].At.Before(items[j].At) })
	s.render(w, r, http.StatusOK, "me_timeline", timelineView{C: v, Title: "Timeline", Items: items})
	return nil
}

func reschedWords(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return ", rescheduled once"
	}
	return ", rescheduled " + strconv.Itoa(n) + " times"
}
