package httpapi

import (
	"encoding/json"

	"fmt"
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"net/http"

	"github.com/recert/recert/app"
)

// The bounds of a batch: as many credentials as a roster's rows, in a
// body that holds them (recert's VC-JWTs are about 2 KiB).
const (
	maxBatchCredentials = 1000
	maxBatchBody        = 4 << 20
)

// verifyBatchRequest is a batch: the credentials to verify, each a VC-JWT
// (a string) or a JSON-LD credential (an object).
type verifyBatchRequest struct {
	Credentials []jsontext.Value `json:"credentials"`
}

// verifyBatch is POST /v1/verify/batch: public and read-only, the JSON
// sibling of the roster for a machine that checks many credentials (an
// employer's applicant system): one answer per credential, in order, as
// POST /v1/verify gives it, over one request instead of a thousand.
func verifyBatch(s *server, w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(w, r, maxBatchBody, "application/json")
	if err != nil {
		return err
	}
	// The v2 decoder, in one pass: it refuses duplicate member names,
	// invalid UTF-8 and unknown members as decodeJSON does, without
	// scanning a body of a thousand credentials three times.
	var in verifyBatchRequest
	if err := jsonv2.Unmarshal(body, &in, jsonv2.RejectUnknownMembers(true)); err != nil {
		return fail(app.CodeInvalid, "", "the body is not a batch {\"credentials\": [...]}: "+err.Error())
	}
	switch {
	case in.Credentials == nil:
		return fail(app.CodeInvalid, "credentials", "send {\"credentials\": [...]}: VC-JWTs (strings) or JSON-LD credentials (objects)")
	case len(in.Credentials) > maxBatchCredentials:
		return fail(app.CodeInvalid, "credentials", fmt.Sprintf("%d credentials: a batch holds at most %d", len(in.Credentials), maxBatchCredentials))
	}
	out := make([]verificationJSON, 0, len(in.Credentials))
	for i, raw := range in.Credentials {
		field := fmt.Sprintf("credentials[%d]", i)
		var input []byte
		var jwt string
		switch {
		case json.Unmarshal(raw, &jwt) == nil:
			input = []byte(jwt)
		case len(raw) > 0 && raw[0] == '{':
			input = raw
		default:
			return fail(app.CodeInvalid, field, field+" must be a VC-JWT (a string) or a JSON-LD credential (an object)")
		}
		v, err := s.app.VerifyCredential(r.Context(), input)
		if err != nil {
			return err
		}
		out = append(out, verificationOut(v))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out})
}
