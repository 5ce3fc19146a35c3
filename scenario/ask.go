package scenario

import (
	"fmt"

	"github.com/recert/recert/policy"
)

// ask reads the question of a scenario line: decide.md's asks and recert's
// extensions (delivery, use_voucher, medical_exception, record_result).
func ask(w *wireAsk) (policy.Ask, error) {
	a := policy.Ask{Exam: w.Exam, Certification: w.Certification, Appointment: w.Appointment, Delivery: w.Delivery, UseVoucher: w.UseVoucher}
	act, ok := policy.ParseAction(w.Action)
	if !ok {
		return a, fmt.Errorf("ask.action: unknown action %q", w.Action)
	}
	a.Action = act
	missing := func(name string) error { return fmt.Errorf("ask (%s): %s is missing", w.Action, name) }
	var err error
	switch act {
	case policy.Book, policy.Score:
		if w.Exam == "" {
			return a, missing("exam")
		}
	case policy.Cancel, policy.Reschedule, policy.MarkNoShow, policy.MedicalException:
		if w.Appointment == "" {
			return a, missing("appointment")
		}
	case policy.RecordResult:
		// For an appointment, or for an exam sat at an instant (on).
		if w.Appointment == "" {
			if w.Exam == "" {
				return a, missing("appointment (or exam and on)")
			}
			if w.On == "" {
				return a, missing("on")
			}
			if a.Slot, err = parseInstant("ask.on", w.On); err != nil {
				return a, err
			}
		}
	case policy.Status, policy.RecertifyOptions:
		if w.Certification == "" {
			return a, missing("certification")
		}
	}
	if act == policy.Book || act == policy.Reschedule {
		if w.Slot == "" {
			return a, missing("slot")
		}
		if a.Slot, err = parseInstant("ask.slot", w.Slot); err != nil {
			return a, err
		}
	}
	if act == policy.Score || act == policy.RecordResult {
		if w.ScaledScore == nil {
			return a, missing("scaled_score")
		}
		if a.Score, err = w.ScaledScore.score("ask"); err != nil {
			return a, err
		}
	}
	return a, nil
}
