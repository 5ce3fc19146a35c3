package policy

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// AppendDecisionJSON appends a decision as the one JSON object recert
// writes for it everywhere: decide's answer lines (with the scenario's id
// in front, see scenario.AppendAnswer), the API's answers and refusals and
// the decision stored beside an event. One encoder, so that none of them
// can lose a field the others keep.
//
// The members, in order: what the action answers (allowed, reasons,
// earliest_date, retry_at; state, expires_on; options; passed,
// scaled_score), consequences when there are any, then action and program,
// and explanation when explain is set. It appends by hand, without
// reflection, because decide writes a hundred thousand of these a second.
func AppendDecisionJSON(dst []byte, p *Program, d *Decision, explain bool) []byte {
	dst = append(dst, '{')
	mark := len(dst)
	switch d.Action {
	case Book, Cancel, Reschedule, MarkNoShow, MedicalException, RecordResult, Revoke:
		dst = append(dst, `"allowed":`...)
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
		if d.Action == RecordResult && d.Allowed {
			dst = append(dst, `,"passed":`...)
			dst = strconv.AppendBool(dst, d.Passed)
			dst = append(dst, `,"scaled_score":`...)
			dst = strconv.AppendInt(dst, int64(d.Score), 10)
		}
	case Status:
		if d.Has(UnknownCertification) {
			dst = appendReasons(dst, d)
			break
		}
		dst = append(dst, `"state":"`...)
		dst = append(dst, d.State...)
		dst = append(dst, `","expires_on":`...)
		dst = appendDate(dst, d.ExpiresOn)
	case RecertifyOptions:
		if !d.Has(UnknownCertification) {
			dst = append(dst, `"state":"`...)
			dst = append(dst, d.State...)
			dst = append(dst, `","expires_on":`...)
			dst = appendDate(dst, d.ExpiresOn)
			dst = append(dst, `,"options":[`...)
			for i, o := range d.Options {
				if i > 0 {
					dst = append(dst, ',')
				}
				dst = append(dst, `{"exam":`...)
				dst = AppendJSONString(dst, o.Exam)
				dst = append(dst, `,"earliest_date":`...)
				dst = appendDate(dst, o.Earliest)
				dst = append(dst, `,"in_time":`...)
				dst = strconv.AppendBool(dst, o.InTime)
				dst = append(dst, '}')
			}
			dst = append(dst, ']')
		}
		dst = appendReasons(dst, d)
	case Score:
		if len(d.Reasons) > 0 {
			dst = appendReasons(dst, d)
			break
		}
		dst = append(dst, `"passed":`...)
		dst = strconv.AppendBool(dst, d.Passed)
	default:
		dst = appendReasons(dst, d)
	}
	if len(d.Consequences) > 0 {
		dst = append(dst, `,"consequences":[`...)
		for i := range d.Consequences {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendConsequence(dst, &d.Consequences[i])
		}
		dst = append(dst, ']')
	}
	dst = append(dst, `,"action":"`...)
	dst = append(dst, d.Action.String()...)
	dst = append(dst, `","program":`...)
	dst = AppendJSONString(dst, d.Program)
	if explain {
		dst = append(dst, `,"explanation":[`...)
		for i, s := range p.Explain(d) {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendJSONString(dst, s)
		}
		dst = append(dst, ']')
	}
	// Every action writes a member first; the reasons branch of an unknown
	// one starts with a comma it must not keep.
	if len(dst) > mark && dst[mark] == ',' {
		dst = append(dst[:mark], dst[mark+1:]...)
	}
	return append(dst, '}')
}

func appendConsequence(dst []byte, c *Consequence) []byte {
	dst = append(dst, `{"kind":"`...)
	dst = append(dst, c.Kind...)
	dst = append(dst, '"')
	switch c.Kind {
	case VoucherRedeemed, VoucherReturned:
		dst = append(dst, `,"voucher":{"from_exam":`...)
		dst = AppendJSONString(dst, c.Voucher.FromExam)
		dst = append(dst, `,"issued":`...)
		dst = appendDate(dst, c.Voucher.Issued)
		dst = append(dst, '}')
	default:
		dst = append(dst, `,"amount_minor":`...)
		dst = strconv.AppendInt(dst, c.Amount.Minor, 10)
		dst = append(dst, `,"currency":`...)
		dst = AppendJSONString(dst, c.Amount.Currency)
	}
	if c.Rule != "" {
		dst = append(dst, `,"rule":`...)
		dst = AppendJSONString(dst, c.Rule)
	}
	return append(dst, '}')
}

func appendReasons(dst []byte, d *Decision) []byte {
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

func appendDate(dst []byte, d Date) []byte {
	if d == NoDate {
		return append(dst, "null"...)
	}
	dst = append(dst, '"')
	dst = d.AppendFormat(dst)
	return append(dst, '"')
}

// AppendJSONString appends s as a JSON string, escaped exactly as
// encoding/json's Marshal escapes it (HTML characters and U+2028/9 as
// \u escapes, invalid UTF-8 as U+FFFD), so that answers written before
// this encoder existed stay byte for byte the same.
func AppendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
