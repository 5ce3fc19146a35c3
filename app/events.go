package app

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// Event types of a candidate's stream. The first six are what happened and
// what the policy engine reads; the others record money, vouchers and
// credentials as consequences, so the fee ledger and a credential's history
// can be audited event by event.
const (
	EvBooked        = "booked"
	EvRescheduled   = "rescheduled"
	EvCancelled     = "cancelled"
	EvSat           = "sat"
	EvNoShow        = "no_show"
	EvResult        = "result" // a sitting without an appointment (imported)
	EvFeeCharged    = "fee_charged"
	EvFeeRefunded   = "fee_refunded"
	EvFeeForfeited  = "fee_forfeited"
	EvVoucherIssued = "voucher_issued"
	EvVoucherUsed   = "voucher_redeemed"
	EvVoucherBack   = "voucher_returned"
	EvCertEarned    = "certification_earned"
	EvCertRenewed   = "certification_renewed"
	EvCertExpired   = "certification_expired"
	EvCertRevoked   = "certification_revoked"
	// EvZoneChanged records a candidate's move to another time zone; the
	// read models are re-dated in the same transaction (T1, T2).
	EvZoneChanged = "time_zone_changed"
	// The status changes of an issued credential (EventData.Credential):
	// by staff, or automatic (EventData.Automatic) as the engine's
	// CredentialStatus implies from the certification's state. The engine
	// reads none of them; the credential's row holds the status and these
	// its history.
	EvCredRevoked    = "credential_revoked"
	EvCredSuspended  = "credential_suspended"
	EvCredReinstated = "credential_reinstated"
)

// EventData is every field an event may carry, stored as JSON.
type EventData struct {
	Appointment   string                `json:"appointment,omitempty"`
	Exam          string                `json:"exam,omitempty"`
	Center        string                `json:"center,omitempty"`
	Slot          *time.Time            `json:"slot,omitempty"`
	At            *time.Time            `json:"at,omitempty"` // when it happened, for booked, rescheduled, cancelled
	On            *time.Time            `json:"on,omitempty"` // the sitting, for result
	Scaled        int                   `json:"scaled_score,omitempty"`
	Form          string                `json:"form,omitempty"`
	Raw           *int                  `json:"raw_score,omitempty"`
	Domains       []policy.DomainResult `json:"domains,omitempty"`
	Voucher       string                `json:"voucher,omitempty"`
	AmountMinor   int64                 `json:"amount_minor,omitempty"`
	Currency      string                `json:"currency,omitempty"`
	Certification string                `json:"certification,omitempty"`
	ExpiresOn     string                `json:"expires_on,omitempty"`
	Reason        string                `json:"reason,omitempty"`
	TimeZone      string                `json:"time_zone,omitempty"` // for time_zone_changed: the new zone
	// Delivery is how a booked or rescheduled seat is delivered (online,
	// test_center); the engine picks change tiers by it.
	Delivery string `json:"delivery,omitempty"`
	// Rule is the program's rule id behind a fee or voucher event, as the
	// engine's consequence named it.
	Rule string `json:"rule,omitempty"`
	// Credential is the issued credential a credential_* event changed;
	// Automatic marks a change the certification's state made (a grace
	// period, a revocation, a renewal), which a later automatic change
	// may undo, unlike one by staff.
	Credential string `json:"credential,omitempty"`
	Automatic  bool   `json:"automatic,omitempty"`
	// Medical marks the refund of a medical exception (R8), which the
	// engine reads so that a fee is refunded once (R13).
	Medical bool `json:"medical,omitempty"`
	// By is who acted: the token and its role (system for the process's
	// own work: import, the expiry sweep). Every event written since the
	// write path has one.
	By *Actor `json:"by,omitempty"`
}

// Actor is who made a change.
type Actor struct {
	Token string `json:"token"`
	Role  string `json:"role"`
}

// decoded is a stored event with its data read.
type decoded struct {
	ledger.Event
	D EventData
}

func decodeEvents(evs []ledger.Event) ([]decoded, error) {
	out := make([]decoded, len(evs))
	for i, e := range evs {
		out[i].Event = e
		if err := json.Unmarshal(e.Data, &out[i].D); err != nil {
			return nil, fmt.Errorf("event %d (%s): %w", e.Seq, e.Type, err)
		}
	}
	return out, nil
}

func newEvent(typ string, d EventData, now time.Time, decision json.RawMessage, program string) ledger.Event {
	data, _ := json.Marshal(d) // EventData has no type that fails to marshal
	return ledger.Event{Type: typ, Data: data, RecordedAt: now, Program: program, Decision: decision}
}

// policyEvents turns a stream into the events the engine reads.
func policyEvents(evs []decoded) []policy.Event {
	out := make([]policy.Event, 0, len(evs))
	for _, e := range evs {
		d := e.D
		pe := policy.Event{Appointment: d.Appointment, Exam: d.Exam, Score: d.Scaled, Voucher: d.Voucher != "",
			Delivery: d.Delivery, Fee: policy.Money{Minor: d.AmountMinor, Currency: d.Currency}, Domains: d.Domains}
		if d.Slot != nil {
			pe.Slot = *d.Slot
		}
		if d.At != nil {
			pe.At = *d.At
		}
		switch e.Type {
		case EvBooked:
			pe.Kind = policy.Booked
		case EvRescheduled:
			pe.Kind = policy.Rescheduled
		case EvCancelled:
			pe.Kind = policy.Cancelled
		case EvSat:
			pe.Kind = policy.Sat
		case EvNoShow:
			pe.Kind = policy.NoShow
		case EvResult:
			pe.Kind = policy.Result
			if d.On != nil {
				pe.Slot = *d.On
			}
		case EvCertRevoked:
			pe.Kind, pe.Certified, pe.At = policy.Revoked, d.Certification, e.RecordedAt
		case EvFeeRefunded:
			if !medical(d) {
				continue // a refund on cancel is the cancel's consequence, not a fact of its own
			}
			pe.Kind, pe.At = policy.Refunded, e.RecordedAt
		default:
			continue
		}
		out = append(out, pe)
	}
	return out
}

// medical tells a medical exception's refund (R8) from the others.
// Streams written before the flag existed say so in the reason.
func medical(d EventData) bool {
	return d.Medical || strings.HasPrefix(d.Reason, "medical exception")
}

// decisionJSON is what the ledger keeps of the decision behind an event:
// the engine's one encoding of a decision, with its explanation.
func decisionJSON(p *policy.Program, d *policy.Decision) json.RawMessage {
	return policy.AppendDecisionJSON(nil, p, d, true)
}

// refusal turns a decision that said no into an error carrying its reasons
// and the decision itself, encoded once, as every answer carries it.
func refusal(p *policy.Program, d *policy.Decision, what string) *Error {
	e := &Error{Code: CodeRefused, Message: what + " is refused by the program's rules", Program: d.Program,
		Explanation: p.Explain(d), Decision: decisionJSON(p, d)}
	for _, r := range d.Reasons {
		e.Reasons = append(e.Reasons, string(r.Code))
		switch r.Code {
		case policy.UnknownExam, policy.UnknownAppointment, policy.UnknownCertification:
			e.Code = CodeNotFound
			e.Message = e.Explanation[0]
		}
	}
	if d.HasEarliest && d.Earliest != policy.NoDate {
		e.EarliestDate = d.Earliest.String()
	}
	if !d.RetryAt.IsZero() {
		e.RetryAt = d.RetryAt.UTC().Format(time.RFC3339)
	}
	return e
}

// consequenceEvents are the event types the engine's consequences are
// recorded as, one for one.
var consequenceEvents = map[policy.ConsequenceKind]string{
	policy.FeeCharged:      EvFeeCharged,
	policy.FeeRefunded:     EvFeeRefunded,
	policy.FeeForfeited:    EvFeeForfeited,
	policy.VoucherRedeemed: EvVoucherUsed,
	policy.VoucherReturned: EvVoucherBack,
}
