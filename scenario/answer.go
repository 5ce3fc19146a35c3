package scenario

import (
	"encoding/json"

	"github.com/recert/recert/policy"
)

// AppendAnswer writes the answer line decide.md specifies for a decision,
// without the trailing newline: the scenario's id followed by the members
// of policy.AppendDecisionJSON, the one encoder of a decision, so that
// decide, the API and stored events cannot drift apart.
func AppendAnswer(dst []byte, id json.RawMessage, p *policy.Program, d *policy.Decision, explain bool) []byte {
	dst = append(dst, `{"id":`...)
	dst = appendID(dst, id)
	n := len(dst)
	dst = policy.AppendDecisionJSON(dst, p, d, explain)
	// The object's opening brace becomes the comma after the id.
	dst[n] = ','
	return dst
}

// AppendError writes the answer to a line that is not a valid scenario.
func AppendError(dst []byte, id json.RawMessage, msg string) []byte {
	dst = append(dst, `{"id":`...)
	dst = appendID(dst, id)
	dst = append(dst, `,"error":{"code":"invalid_scenario","message":`...)
	dst = policy.AppendJSONString(dst, msg)
	return append(dst, `}}`...)
}

func appendID(dst []byte, id json.RawMessage) []byte {
	if len(id) == 0 {
		return append(dst, "null"...)
	}
	return append(dst, id...)
}
