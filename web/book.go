package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

// option is one <option> of a <select>.
type option struct {
	Value, Label string
	Selected     bool
}

// bookView is the booking page: what to book (exam, delivery, center,
// dates) as a GET form, and the slot picker as the POST form that books.
type bookView struct {
	C          candidateView
	Title      string
	Exams      []option
	Exam       string
	Delivery   string // test_center or online
	Centers    []option
	Center     ledger.Center
	From       string // YYYY-MM-DD
	Picker     *picker
	Vouchers   int // unused vouchers the candidate may pay with
	UseVoucher bool
	Key        string // the form's idempotency key
	Error      *refusal
}

// bookPage shows the booking form and its slot picker.
func bookPage(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, v, err := s.candidatePage(r)
	if err != nil {
		return err
	}
	bv, err := s.bookForm(r, pr, v, r.URL.Query())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "book", bv)
	return nil
}

// bookForm builds the booking page from q (a GET query, or a POST's
// fields when a booking is shown again with its refusal).
func (s *server) bookForm(r *http.Request, pr app.Principal, v candidateView, q url.Values) (bookView, error) {
	ctx := r.Context()
	bv := bookView{C: v, Title: "Book an exam", Exam: q.Get("exam"), Delivery: q.Get("delivery"), Key: newFormKey(),
		UseVoucher: q.Get("use_voucher") != ""}
	if bv.Delivery != "online" {
		bv.Delivery = "test_center"
	}
	for _, e := range v.Program.Exams {
		if bv.Exam == "" {
			bv.Exam = e.Code
		}
		bv.Exams = append(bv.Exams, option{Value: e.Code, Label: examName(v.Program, e.Code), Selected: e.Code == bv.Exam})
	}
	centers, err := s.app.ListCenters(ctx, pr, ledger.Page{Limit: 500})
	if err != nil {
		return bv, err
	}
	want := q.Get("center")
	for _, c := range centers {
		if c.Online != (bv.Delivery == "online") {
			continue
		}
		if bv.Center.ID == "" || c.ID == want {
			bv.Center = c
		}
	}
	for _, c := range centers {
		if c.Online == (bv.Delivery == "online") {
			bv.Centers = append(bv.Centers, option{Value: c.ID, Label: c.Name, Selected: c.ID == bv.Center.ID})
		}
	}
	st, err := s.app.Standing(ctx, pr, v.ID)
	if err != nil {
		return bv, err
	}
	for _, vo := range st.Vouchers {
		if vo.State == "unused" {
			bv.Vouchers++
		}
	}
	from := pickFrom(q, v)
	bv.From = from.Format(time.DateOnly)
	if bv.Center.ID == "" {
		return bv, nil // nothing to pick from: the page says so
	}
	link := func(from string) string {
		return v.Base + "/book?" + url.Values{"exam": {bv.Exam}, "delivery": {bv.Delivery}, "center": {bv.Center.ID}, "from": {from}}.Encode() + "#picker"
	}
	bv.Picker, err = s.pick(ctx, pr, v, app.SlotsInput{Candidate: v.ID, Exam: bv.Exam, Center: bv.Center.ID}, bv.Center, from, link, q.Get("slot"))
	return bv, err
}
