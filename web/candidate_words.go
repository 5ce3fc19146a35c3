package web

import (
	"time"

	"github.com/recert/recert/app"
)

// reasonWords are the engine's reason codes as a slot picker labels a
// refused slot, in a few words; the full sentence (app's explanation) is
// beside it. A code not listed is shown as "not available".
var reasonWords = map[string]string{
	"retake_wait":            "retake wait",
	"passed_lockout":         "locked out after a pass",
	"no_show_wait":           "wait after a missed appointment",
	"exam_unavailable":       "version not offered then",
	"slot_not_future":        "already past",
	"already_booked":         "already booked",
	"delivery_unavailable":   "not offered this way",
	"beyond_horizon":         "too far ahead",
	"off_grid":               "not a start time",
	"change_window_closed":   "too late to change",
	"reschedule_limit":       "no reschedules left",
	"attempt_limit":          "attempt limit reached",
	"appointment_closed":     "appointment closed",
	"slot_full":              "no seat left",
	"outside_renewal_window": "outside the renewal window",
}

func reasonWord(code string) string {
	if w, ok := reasonWords[code]; ok {
		return w
	}
	return "not available"
}

// stateWords says a certification's or appointment's state in words, and
// the class that colours it (never the only cue).
var stateWords = map[string][2]string{
	"active":    {"Active", "state-active"},
	"grace":     {"Expired, still renewable (grace period)", "state-warn"},
	"expired":   {"Expired", "state-bad"},
	"revoked":   {"Revoked", "state-bad"},
	"open":      {"Booked", "state-ok"},
	"cancelled": {"Cancelled", "state-warn"},
	"sat":       {"Sat", "state-ok"},
	"missed":    {"Missed (no-show)", "state-bad"},
	"unused":    {"Unused", "state-ok"},
	"used":      {"Used", "state-warn"},
	"suspended": {"Suspended", "state-warn"},
}

// stateOf is a state's words and class.
func stateOf(s string) (words, class string) {
	if w, ok := stateWords[s]; ok {
		return w[0], w[1]
	}
	return s, "state"
}

// refusal is an app error as a page shows it: the message, the engine's
// sentences, and the earliest date that works.
type refusal struct {
	Code        app.Code
	Message     string
	Field       string
	Explanation []string
	Earliest    time.Time
}

func refusalOf(e *app.Error) *refusal {
	if e == nil {
		return nil
	}
	return &refusal{Code: e.Code, Message: e.Message, Field: e.Field, Explanation: e.Explanation, Earliest: date(e.EarliestDate)}
}
