package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

func TestNotificationsAndDeliveriesByState(t *testing.T) {
	s := newStaffSite(t)
	ctx := context.Background()
	wh, err := s.a.CreateWebhook(ctx, app.System, app.WebhookInput{URL: "https://hooks.example.org/recert"})
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	// The worker writes these; the test puts them in the store as it would.
	err = s.st.Update(ctx, func(tx ledger.Tx) error {
		for i, st := range []string{"sent", "failed", "sent"} {
			n := ledger.Notification{ID: "n" + string(rune('1'+i)), Candidate: "c1", Kind: "expiry", Subject: "cert-" + string(rune('a'+i)),
				Due: due, Channel: "email", State: st, Title: "Reminder " + string(rune('1'+i)), Target: "c1@example.org", CreatedAt: due, UpdatedAt: due}
			if st == "failed" {
				n.Error = "550 mailbox unavailable"
			}
			if err := tx.ClaimNotification(ctx, n); err != nil {
				return err
			}
		}
		for i, code := range []int{200, 503, 0} {
			if err := tx.AddWebhookDelivery(ctx, ledger.WebhookDelivery{ID: "msg" + string(rune('1'+i)), Endpoint: wh.ID, Notification: "n1",
				Attempt: 1, At: due.Add(time.Duration(i) * time.Minute), Status: code, Error: map[int]string{503: "503 Service Unavailable", 0: "connection refused"}[code]}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	texts := func(sel *goquery.Selection) []string {
		return sel.Map(func(_ int, s *goquery.Selection) string { return strings.TrimSpace(s.Text()) })
	}
	_, body := get(t, s.as["staff"].URL+"/staff/notifications?state=failed")
	d := parse(t, body)
	if got := texts(d.Find("#notifications tbody th")); len(got) != 1 || got[0] != "Reminder 2" ||
		!strings.Contains(d.Find("#notifications tbody td").Eq(2).Text(), "failed") || !strings.Contains(body, "550 mailbox unavailable") {
		t.Errorf("failed notifications: %v", got)
	}
	_, body = get(t, s.as["staff"].URL+"/staff/notifications")
	if n := parse(t, body).Find("#notifications tbody tr").Length(); n != 3 {
		t.Errorf("all notifications: %d rows, want 3", n)
	}
	if res, _ := get(t, s.as["staff"].URL+"/staff/notifications?state=lost"); res.StatusCode/100 != 4 {
		t.Errorf("an unknown state = %d, want 4xx", res.StatusCode)
	}

	_, body = get(t, s.as["staff"].URL+"/staff/webhooks")
	if href := parse(t, body).Find("#webhooks a").First().AttrOr("href", ""); href != "/staff/webhooks/"+wh.ID+"/deliveries" {
		t.Errorf("webhooks list links %q", href)
	}
	_, body = get(t, s.as["staff"].URL+"/staff/webhooks/"+wh.ID+"/deliveries?state=failed")
	d = parse(t, body)
	if got := texts(d.Find("#deliveries tbody td:nth-child(4)")); strings.Join(got, ",") != "failed,failed" ||
		!strings.Contains(body, "connection refused") || !strings.Contains(body, "no answer") {
		t.Errorf("failed deliveries: %v", got)
	}
	_, body = get(t, s.as["staff"].URL+"/staff/webhooks/"+wh.ID+"/deliveries?state=delivered")
	if got := texts(parse(t, body).Find("#deliveries tbody td:nth-child(5)")); strings.Join(got, ",") != "200" {
		t.Errorf("delivered: statuses %v, want 200", got)
	}
}
