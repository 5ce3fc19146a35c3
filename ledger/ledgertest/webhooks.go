package ledgertest

import (
	"fmt"
	"testing"
	"time"

	"github.com/recert/recert/ledger"
)

func endpoint(id string, kinds ...string) ledger.WebhookEndpoint {
	return ledger.WebhookEndpoint{ID: id, URL: "https://hooks.example.com/" + id, Secret: "whsec_" + id,
		Kinds: kinds, CreatedAt: at(2, 8), Rev: 7}
}

func getWebhook(t *testing.T, s ledger.Store, id string) (ledger.WebhookEndpoint, error) {
	t.Helper()
	var e ledger.WebhookEndpoint
	err := s.View(t.Context(), func(tx ledger.Tx) (err error) {
		e, err = tx.Webhook(t.Context(), id)
		return err
	})
	return e, err
}

func testWebhooks(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	e := endpoint("w2", "expiry_reminder", "sitting")
	update(t, s, func(tx ledger.Tx) error { return tx.CreateWebhook(ctx, e) })
	e.Rev = 1
	got, err := getWebhook(t, s, "w2")
	if err != nil {
		t.Fatalf("Webhook: %v", err)
	}
	same(t, "Webhook after CreateWebhook", e, got)
	inUTC(t, "Webhook's CreatedAt", got.CreatedAt)
	err = s.Update(ctx, func(tx ledger.Tx) error { return tx.CreateWebhook(ctx, endpoint("w2")) })
	wantErr(t, "CreateWebhook of a taken id", err, ledger.ErrExists)
	_, err = getWebhook(t, s, "nope")
	wantErr(t, "Webhook of an unknown id", err, ledger.ErrNotFound)
	update(t, s, func(tx ledger.Tx) error {
		if err := tx.CreateWebhook(ctx, endpoint("w1")); err != nil {
			return err
		}
		return tx.CreateWebhook(ctx, endpoint("w3"))
	})

	upd := e
	upd.URL, upd.Secret, upd.Kinds, upd.Disabled, upd.CreatedAt = "https://other.example.com/", "whsec_new", nil, true, at(9, 9)
	var after ledger.WebhookEndpoint
	update(t, s, func(tx ledger.Tx) (err error) { after, err = tx.UpdateWebhook(ctx, upd); return err })
	want := upd
	want.Rev, want.CreatedAt = 2, e.CreatedAt
	same(t, "UpdateWebhook's result", want, after)
	if got, err = getWebhook(t, s, "w2"); err != nil {
		t.Fatalf("Webhook after UpdateWebhook: %v", err)
	}
	same(t, "Webhook after UpdateWebhook", want, got)
	err = s.Update(ctx, func(tx ledger.Tx) error { _, err := tx.UpdateWebhook(ctx, upd); return err })
	wantErr(t, "UpdateWebhook at a stale Rev", err, ledger.ErrConflict)
	err = s.Update(ctx, func(tx ledger.Tx) error { _, err := tx.UpdateWebhook(ctx, endpoint("nope")); return err })
	wantErr(t, "UpdateWebhook of an unknown id", err, ledger.ErrNotFound)

	list := func(p ledger.Page) (ids []string) {
		t.Helper()
		view(t, s, func(tx ledger.Tx) error {
			es, err := tx.ListWebhooks(ctx, p)
			for _, e := range es {
				ids = append(ids, e.ID)
			}
			return err
		})
		return ids
	}
	for _, tc := range []struct {
		p    ledger.Page
		want []string
	}{
		{ledger.Page{}, []string{"w1", "w2", "w3"}},
		{ledger.Page{Limit: 2}, []string{"w1", "w2"}},
		{ledger.Page{After: "w2"}, []string{"w3"}},
	} {
		if got := list(tc.p); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("ListWebhooks(%+v) = %q, want %q", tc.p, got, tc.want)
		}
	}

	update(t, s, func(tx ledger.Tx) error { return tx.DeleteWebhook(ctx, "w2") })
	_, err = getWebhook(t, s, "w2")
	wantErr(t, "Webhook after DeleteWebhook", err, ledger.ErrNotFound)
	err = s.Update(ctx, func(tx ledger.Tx) error { return tx.DeleteWebhook(ctx, "w2") })
	wantErr(t, "DeleteWebhook of an unknown id", err, ledger.ErrNotFound)
	if got := list(ledger.Page{}); fmt.Sprint(got) != "[w1 w3]" {
		t.Errorf("ListWebhooks after deleting w2 = %q", got)
	}
}

func delivery(id, ep string, attempt int, at time.Time) ledger.WebhookDelivery {
	return ledger.WebhookDelivery{ID: id, Endpoint: ep, Notification: "n-" + id, Attempt: attempt, At: at,
		Status: 500 - 300*(attempt%2), Error: map[bool]string{true: "", false: "HTTP 500"}[attempt%2 == 1],
		Duration: time.Duration(attempt)*time.Second + 123456789*time.Nanosecond}
}

func testWebhookDeliveries(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	update(t, s, func(tx ledger.Tx) error {
		if err := tx.CreateWebhook(ctx, endpoint("w1")); err != nil {
			return err
		}
		return tx.CreateWebhook(ctx, endpoint("w2"))
	})
	// Newest first: by At, then ID and Attempt descending. Two deliveries
	// share an instant; the ids hold a slash, as a cursor's separator.
	newestFirst := []ledger.WebhookDelivery{
		delivery("msg/b", "w1", 2, at(5, 12)),
		delivery("msg/b", "w1", 1, at(5, 12)),
		delivery("msg/a", "w1", 3, at(5, 11)),
		delivery("msg/c", "w1", 1, at(4, 10)),
		delivery("msg/a", "w1", 2, at(4, 9)),
		delivery("msg/a", "w1", 1, at(4, 8)),
	}
	update(t, s, func(tx ledger.Tx) error {
		for _, i := range []int{5, 3, 4, 1, 0, 2} {
			if err := tx.AddWebhookDelivery(ctx, newestFirst[i]); err != nil {
				return err
			}
		}
		return tx.AddWebhookDelivery(ctx, delivery("msg/d", "w2", 1, at(6, 1)))
	})
	err := s.Update(ctx, func(tx ledger.Tx) error { return tx.AddWebhookDelivery(ctx, newestFirst[0]) })
	wantErr(t, "AddWebhookDelivery of a logged attempt", err, ledger.ErrExists)

	list := func(ep string, p ledger.Page) []ledger.WebhookDelivery {
		t.Helper()
		var ds []ledger.WebhookDelivery
		view(t, s, func(tx ledger.Tx) (err error) {
			ds, err = tx.ListWebhookDeliveries(ctx, ep, p)
			return err
		})
		return ds
	}
	logged := list("w1", ledger.Page{})
	same(t, "ListWebhookDeliveries(w1)", newestFirst, logged)
	for _, d := range logged {
		inUTC(t, "a delivery's At", d.At)
	}
	var paged []ledger.WebhookDelivery
	p := ledger.Page{Limit: 4}
	for range 5 {
		page := list("w1", p)
		if len(page) == 0 {
			break
		}
		paged = append(paged, page...)
		p.After = ledger.DeliveryCursor(page[len(page)-1])
	}
	same(t, "ListWebhookDeliveries(w1) in pages of 4", newestFirst, paged)
	same(t, "ListWebhookDeliveries(w1) after msg/b/1", newestFirst[2:3],
		list("w1", ledger.Page{After: "msg/b/1", Limit: 1}))
	var bad []ledger.WebhookDelivery
	err = s.View(ctx, func(tx ledger.Tx) (err error) {
		bad, err = tx.ListWebhookDeliveries(ctx, "w1", ledger.Page{After: "msg-b"})
		return err
	})
	if err == nil {
		t.Errorf("ListWebhookDeliveries with a cursor without an attempt: %d rows, no error", len(bad))
	}

	// Deleting an endpoint deletes its log; another endpoint's stays.
	update(t, s, func(tx ledger.Tx) error { return tx.DeleteWebhook(ctx, "w1") })
	update(t, s, func(tx ledger.Tx) error { return tx.CreateWebhook(ctx, endpoint("w1")) })
	if ds := list("w1", ledger.Page{}); len(ds) != 0 {
		t.Errorf("a re-created endpoint's log has %d deliveries of the deleted one", len(ds))
	}
	if ds := list("w2", ledger.Page{}); len(ds) != 1 {
		t.Errorf("w2's log after w1 went: %d deliveries, want 1", len(ds))
	}
}
