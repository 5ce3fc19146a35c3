package definition

import (
	"reflect"
	"testing"
	"time"

	"github.com/recert/recert/policy"
)

// TestNotifications reads the notifications section (N1-N5): absent, it is
// the reference program's defaults; a field left out keeps its default; a
// list stated replaces the default whole.
func TestNotifications(t *testing.T) {
	def := policy.DefaultNotifications()
	cases := []struct {
		name    string
		section string
		want    func(n *policy.NotificationPolicy)
	}{
		{"absent", "", func(*policy.NotificationPolicy) {}},
		{"empty", "notifications: {}\n", func(*policy.NotificationPolicy) {}},
		{"time and retake", "notifications: {at: \"07:30\", retake: false}\n", func(n *policy.NotificationPolicy) {
			n.At, n.Retake = 7*60+30, false
		}},
		{"appointments", "notifications:\n  appointments: {before_change_deadline: PT48H, before_sitting: PT0H}\n", func(n *policy.NotificationPolicy) {
			n.BeforeChangeDeadline, n.BeforeSitting = 48*time.Hour, 0
		}},
		{"minutes", "notifications:\n  appointments: {before_sitting: PT90M}\n", func(n *policy.NotificationPolicy) {
			n.BeforeSitting = 90 * time.Minute
		}},
		{"lists", "notifications:\n  vouchers: {days_before: [60, 7]}\n  optional: [sitting]\n", func(n *policy.NotificationPolicy) {
			n.VoucherDays, n.Optional = []int{60, 7}, []policy.NoticeKind{policy.NoticeSitting}
		}},
		{"nothing optional", "notifications: {optional: [], vouchers: {days_before: []}}\n", func(n *policy.NotificationPolicy) {
			n.VoucherDays, n.Optional = []int{}, []policy.NoticeKind{}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := Parse("demo.yaml", []byte(base+c.section))
			if err != nil {
				t.Fatal(err)
			}
			want := policy.DefaultNotifications()
			c.want(&want)
			if !reflect.DeepEqual(p.Notifications, want) {
				t.Errorf("got %+v\nwant %+v", p.Notifications, want)
			}
		})
	}
	if def.At != 9*60 || !def.Retake || def.BeforeChangeDeadline != 24*time.Hour || def.BeforeSitting != 3*time.Hour ||
		!reflect.DeepEqual(def.VoucherDays, []int{30}) || len(def.Optional) != 4 {
		t.Errorf("defaults %+v are not the reference program's", def)
	}
	for _, k := range policy.NoticeKinds() {
		want := k != policy.NoticeExpiry && k != policy.NoticeExpired
		if def.IsOptional(k) != want {
			t.Errorf("%s optional by default: %v, want %v", k, !want, want)
		}
	}
}
