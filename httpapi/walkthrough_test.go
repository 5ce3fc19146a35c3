package httpapi

import (
	"testing"
	"time"
)

// TestWalkThrough is a candidate's path through the API: a failed sitting,
// the retake refusal with its reason, earliest date and explanation, a
// pass after the wait, the certification and its voucher, a booking paid
// half with the voucher, and a timely cancellation that refunds the fee
// and returns the voucher.
func TestWalkThrough(t *testing.T) {
	w := newWorld(t, "", true)
	admin := w.admin

	w.must(200, req{Method: "GET", Path: "/healthz"})
	center := w.must(201, req{Method: "POST", Path: "/v1/centers", Token: admin, Body: map[string]any{"id": "tc-nyc", "name": "New York", "time_zone": "America/New_York", "seats": 2}})
	if center["id"] != "tc-nyc" || center["rev"] != float64(1) {
		t.Fatalf("center: %v", center)
	}
	cand := w.must(201, req{Method: "POST", Path: "/v1/candidates", Token: admin, Body: map[string]any{"id": "ada", "name": "Ada Lovelace", "email": "ada@example.com", "time_zone": "America/New_York"}})
	if cand["program"] != "aws" || cand["time_zone"] != "America/New_York" {
		t.Fatalf("candidate: %v", cand)
	}
	ada := w.token("candidate", "ada")

	// The candidate books; the fee is the exam's price.
	first := w.must(201, req{Method: "POST", Path: "/v1/appointments", Token: ada, Body: map[string]any{"candidate": "ada", "exam": "CLF-C02", "center": "tc-nyc", "slot": "2026-12-08T15:00:00Z"}})
	if first["state"] != "open" || first["fee_minor"] != float64(10000) || first["currency"] != "USD" || first["voucher"] != nil {
		t.Fatalf("booking: %v", first)
	}

	// The sitting; the center's staff post a failing result afterwards.
	w.clock.Set(time.Date(2026, 12, 8, 18, 0, 0, 0, time.UTC))
	failed := w.must(201, req{Method: "POST", Path: "/v1/results", Token: admin, Body: map[string]any{"appointment": first["id"], "scaled_score": 640}})
	if failed["passed"] != false || failed["sat_at"] != "2026-12-08T15:00:00Z" {
		t.Fatalf("result: %v", failed)
	}

	// A retake before 14 days is refused, with the reason, the first date
	// that works and the explanation: never a bare status.
	r := w.do(req{Method: "POST", Path: "/v1/appointments", Token: ada, Body: map[string]any{"candidate": "ada", "exam": "CLF-C02", "center": "tc-nyc", "slot": "2026-12-15T15:00:00Z"}})
	if r.Status != 422 {
		t.Fatalf("retake: %d %s", r.Status, r.Body)
	}
	p := r.JSON(t)
	if p["code"] != "refused" || !has(strs(p["reasons"]), "retake_wait") || p["earliest_date"] != "2026-12-22" || p["program"] != "aws@2026.11.1" {
		t.Fatalf("refusal: %s", r.Body)
	}
	if why := strs(p["explanation"]); len(why) == 0 || r.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("refusal without explanation: %s", r.Body)
	}
	// The same question through decide is an answer, not an error.
	d := w.must(200, req{Method: "POST", Path: "/v1/candidates/ada/decide", Token: ada, Body: map[string]any{"ask": map[string]any{"action": "book", "exam": "CLF-C02", "slot": "2026-12-15T15:00:00Z"}}})
	if d["allowed"] != false || d["earliest_date"] != "2026-12-22" || !has(strs(d["reasons"]), "retake_wait") {
		t.Fatalf("decide: %v", d)
	}

	// On the earliest date it is allowed; the retake passes.
	second := w.must(201, req{Method: "POST", Path: "/v1/appointments", Token: ada, Body: map[string]any{"candidate": "ada", "exam": "CLF-C02", "center": "tc-nyc", "slot": "2026-12-22T15:00:00Z"}})
	w.clock.Set(time.Date(2026, 12, 22, 19, 0, 0, 0, time.UTC))
	passed := w.must(201, req{Method: "POST", Path: "/v1/results", Token: admin, Body: map[string]any{"appointment": second["id"], "scaled_score": 812}})
	if passed["passed"] != true {
		t.Fatalf("pass: %v", passed)
	}

	st := w.must(200, req{Method: "GET", Path: "/v1/candidates/ada/standing", Token: ada})
	certs := st["certifications"].([]any)
	if len(certs) != 1 {
		t.Fatalf("certifications: %v", st)
	}
	cert := certs[0].(map[string]any)
	if cert["certification"] != "cloud-practitioner" || cert["state"] != "active" || cert["expires_on"] != "2029-12-22" || len(cert["history"].([]any)) == 0 {
		t.Fatalf("certification: %v", cert)
	}
	vouchers := st["vouchers"].([]any)
	if len(vouchers) != 1 || vouchers[0].(map[string]any)["state"] != "unused" || vouchers[0].(map[string]any)["discount_percent"] != float64(50) {
		t.Fatalf("vouchers: %v", vouchers)
	}
	voucherID := vouchers[0].(map[string]any)["id"]
	if len(st["results"].([]any)) != 2 {
		t.Fatalf("results: %v", st["results"])
	}
	opts := w.must(200, req{Method: "GET", Path: "/v1/candidates/ada/certifications/cloud-practitioner/options", Token: ada})
	if opts["state"] != "active" || opts["expires_on"] != "2029-12-22" || len(opts["options"].([]any)) == 0 {
		t.Fatalf("options: %v", opts)
	}
	plan := w.must(200, req{Method: "GET", Path: "/v1/candidates/ada/certifications/cloud-practitioner/plan", Token: ada})
	if plan["expires_on"] != "2029-12-22" || plan["state"] != "active" {
		t.Fatalf("plan: %v", plan)
	}

	// The voucher pays half of the next exam.
	third := w.must(201, req{Method: "POST", Path: "/v1/appointments", Token: ada, Body: map[string]any{"candidate": "ada", "exam": "SAA-C03", "center": "tc-nyc", "slot": "2027-01-20T15:00:00Z", "use_voucher": true}})
	if third["fee_minor"] != float64(7500) || third["voucher"] != voucherID {
		t.Fatalf("voucher booking: %v", third)
	}
	st = w.must(200, req{Method: "GET", Path: "/v1/candidates/ada/standing", Token: ada})
	if v := st["vouchers"].([]any)[0].(map[string]any); v["state"] != "used" {
		t.Fatalf("voucher after booking: %v", v)
	}

	// Cancelled in time: the fee is refunded and the voucher returned.
	got := w.do(req{Method: "GET", Path: "/v1/appointments/" + third["id"].(string), Token: ada})
	cancelled := w.must(200, req{Method: "POST", Path: "/v1/appointments/" + third["id"].(string) + "/cancel", Token: ada, Header: map[string]string{"If-Match": got.Header.Get("ETag")}})
	if cancelled["state"] != "cancelled" {
		t.Fatalf("cancel: %v", cancelled)
	}
	st = w.must(200, req{Method: "GET", Path: "/v1/candidates/ada/standing", Token: ada})
	if v := st["vouchers"].([]any)[0].(map[string]any); v["state"] != "unused" {
		t.Fatalf("voucher after cancel: %v", v)
	}
	fees := w.must(200, req{Method: "GET", Path: "/v1/candidates/ada/fees", Token: ada})
	var refunded bool
	for _, f := range fees["items"].([]any) {
		f := f.(map[string]any)
		if f["kind"] == "refunded" && f["appointment"] == third["id"] && f["amount_minor"] == float64(7500) {
			refunded = true
		}
	}
	if !refunded || fees["next"] != nil {
		t.Fatalf("fees: %v", fees)
	}
}
