package scenario

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/recert/recert/policy"
)

// AppendAnswer writes the answer line decide.md specifies for a decision,
// without the trailing newline. It appends to dst by hand because decide
// writes a hundred thousand of these a second and reflection would cost
// more than the decision.
func AppendAnswer(dst []byte, id json.RawMessage, p *policy.Program, d *policy.Decision, explain bool) []byte {
	dst = append(dst, `{"id":`...)
	dst = appendID(dst, id)
	switch d.Action {
	case policy.Book, policy.Cancel, policy.Reschedule, policy.MarkNoShow:
		dst = append(dst, `,"allowed":`...)
		dst = strconv.AppendBool(dst, d.Allowed)
		dst = appendReasons(dst, d)
		if d.HasEarliest {
			dst = append(dst, `,"earliest_date":`...)
			dst = appendDate(dst, d.Earliest)
		}
		if !d.RetryAt.IsZero() {
			dst = append(dst, `,"retry_at":"`...)
			dst = d.RetryAt.UTC().AppendFormat(dst, time.RFC3339)
			dst = append(dst, '"')
		}
	case policy.Status:
		if d.Has(policy.UnknownCertification) {
			dst = appendReasons(dst, d)
			break
		}
		dst = append(dst, `,"state":"`...)
		dst = append(dst, d.State...)
		dst = append(dst, `","expires_on":`...)
		dst = appendDate(dst, d.ExpiresOn)
	case policy.RecertifyOptions:
		if !d.Has(policy.UnknownCertification) {
			dst = append(dst, `,"options":[`...)
			for i, o := range d.Options {
				if i > 0 {
					dst = append(dst, ',')
				}
				dst = append(dst, `{"exam":`...)
				dst = strconv.AppendQuote(dst, o.Exam)
				dst = append(dst, `,"earliest_date":`...)
				dst = appendDate(dst, o.Earliest)
				dst = append(dst, `,"in_time":`...)
				dst = strconv.AppendBool(dst, o.InTime)
				dst = append(dst, '}')
			}
			dst = append(dst, ']')
		}
		dst = appendReasons(dst, d)
	case policy.Score:
		if len(d.Reasons) > 0 {
			dst = appendReasons(dst, d)
			break
		}
		dst = append(dst, `,"passed":`...)
		dst = strconv.AppendBool(dst, d.Passed)
	}
	dst = append(dst, `,"program":`...)
	dst = appendString(dst, d.Program)
	if explain {
		dst = append(dst, `,"explanation":[`...)
		for i, s := range p.Explain(d) {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, s)
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

// AppendError writes the answer to a line that is not a valid scenario.
func AppendError(dst []byte, id json.RawMessage, msg string) []byte {
	dst = append(dst, `{"id":`...)
	dst = appendID(dst, id)
	dst = append(dst, `,"error":{"code":"invalid_scenario","message":`...)
	dst = appendString(dst, msg)
	return append(dst, `}}`...)
}

func appendID(dst []byte, id json.RawMessage) []byte {
	if len(id) == 0 {
		return append(dst, "null"...)
	}
	return append(dst, id...)
}

func appendReasons(dst []byte, d *policy.Decision) []byte {
	dst = append(dst, `,"reasons":[`...)
	for i, r := range d.Reasons {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '"')
		dst = append(dst, r.Code...)
		dst = append(dst, '"')
	}
	return append(dst, ']')
}

func appendDate(dst []byte, d policy.Date) []byte {
	if d == policy.NoDate {
		return append(dst, "null"...)
	}
	dst = append(dst, '"')
	dst = d.AppendFormat(dst)
	return append(dst, '"')
}

// appendString writes a JSON string; encoding/json's escaping rules, by
// way of its encoder, for text that may hold anything.
func appendString(dst []byte, s string) []byte {
	b, _ := json.Marshal(s)
	return append(dst, b...)
}
