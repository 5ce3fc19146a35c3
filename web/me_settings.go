package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/recert/recert/app"
)

// settingsView is the candidate's settings: how they are told (channels,
// and the reminders they may turn off), and their calendar feed.
type settingsView struct {
	C        candidateView
	Title    string
	Rev      int64
	Channels []check
	Kinds    []check
	Done     string
	Error    *refusal
	// FeedURL is a calendar feed just made: its secret is shown once.
	FeedURL string
}

// check is one checkbox.
type check struct {
	Value, Label string
	Checked      bool
}

var channelWords = map[string]string{app.ChannelEmail: "E-mail", app.ChannelWebhook: "The program's webhooks (its own systems)"}

var kindWords = map[string]string{
	"retake_available": "When a retake can be booked",
	"change_deadline":  "Before an appointment's change deadline",
	"sitting":          "Before a sitting",
	"voucher_expiring": "Before a voucher expires",
}

// meSettings shows the settings.
func meSettings(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, v, err := s.candidatePage(r)
	if err != nil {
		return err
	}
	sv, err := s.settingsForm(r, pr, v)
	if err != nil {
		return err
	}
	sv.Done = r.URL.Query().Get("done")
	s.render(w, r, http.StatusOK, "me_settings", sv)
	return nil
}

func (s *server) settingsForm(r *http.Request, pr app.Principal, v candidateView) (settingsView, error) {
	prefs, err := s.app.Preferences(r.Context(), pr, v.ID)
	if err != nil {
		return settingsView{}, err
	}
	sv := settingsView{C: v, Title: "Settings", Rev: prefs.Rev}
	for _, c := range []string{app.ChannelEmail, app.ChannelWebhook} {
		sv.Channels = append(sv.Channels, check{Value: c, Label: channelWords[c], Checked: slices.Contains(prefs.Channels, c)})
	}
	for _, k := range v.Program.Notifications.Optional {
		label := kindWords[string(k)]
		if label == "" {
			label = string(k)
		}
		sv.Kinds = append(sv.Kinds, check{Value: string(k), Label: label, Checked: !slices.Contains(prefs.OptOut, string(k))})
	}
	return sv, nil
}

// revOf reads a form's revision field; -1 when absent or not a number,
// which app refuses as stale.
func revOf(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return -1
	}
	return n
}
