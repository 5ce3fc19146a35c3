package ob

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

//go:embed ob-achievementcredential.schema.json
var schemaJSON []byte

// schemaURL is the schema's own $id, so its internal references resolve
// without a network.
const schemaURL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential-jsonschema1.json"

// Problem is one failed schema keyword: where in the credential (a JSON
// pointer) and what.
type Problem struct {
	Pointer string
	Message string
}

// SchemaError lists every way a credential fails the OB 3.0 schema, so a
// verification page can say exactly what is wrong, not only that it is.
type SchemaError struct{ Problems []Problem }

func (e *SchemaError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Pointer + ": " + p.Message
	}
	return "OB 3.0 schema: " + strings.Join(parts, "; ")
}

var (
	compileOnce sync.Once
	credSchema  *jsonschema.Schema // the whole AchievementCredential
	statSchema  *jsonschema.Schema // its CredentialStatus definition
	compileErr  error
)

// compiled compiles the embedded schema once. A failure is a bug in the
// embedded file, which a test rules out; it is returned, never panicked.
func compiled() (*jsonschema.Schema, *jsonschema.Schema, error) {
	compileOnce.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
		if err != nil {
			compileErr = fmt.Errorf("credential/ob: schema: %w", err)
			return
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat() // validFrom and the other dates must be date-times, not any string
		c.UseLoader(refuseLoader{})
		if err := c.AddResource(schemaURL, doc); err != nil {
			compileErr = fmt.Errorf("credential/ob: schema: %w", err)
			return
		}
		if credSchema, err = c.Compile(schemaURL); err != nil {
			compileErr = fmt.Errorf("credential/ob: schema: %w", err)
			return
		}
		if statSchema, err = c.Compile(schemaURL + "#/$defs/CredentialStatus"); err != nil {
			compileErr = fmt.Errorf("credential/ob: schema: %w", err)
		}
	})
	return credSchema, statSchema, compileErr
}

// refuseLoader keeps validation off the network: the schema is
// self-contained and its meta-schema is built into the library.
type refuseLoader struct{}

func (refuseLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("credential/ob: schema loader refuses %s", url)
}

var _ jsonschema.URLLoader = refuseLoader{}

// Validate checks a credential against the OB 3.0 AchievementCredential
// schema. A *SchemaError lists the failures by JSON pointer.
//
// One deviation, on purpose: the schema allows credentialStatus to be a
// single object (OB 3.0's multiplicity is [0..1]), while VC 2.0, which OB
// 3.0 builds on, allows a set, and recert's credentials carry two entries
// (revocation and suspension lists). An array is therefore accepted when
// each of its entries satisfies the schema's CredentialStatus definition;
// 1EdTech/openbadges-specification#623 proposes the same for OB 3.1.
func Validate(doc []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("credential/ob: validate: not JSON: %w", err)
	}
	return ValidateValue(v)
}

// ValidateValue is Validate for a credential already decoded into plain
// values (maps, slices, strings, bools, float64 or json.Number), so a
// verifier that has parsed the credential does not parse it twice; about
// half of Validate's time is the decoding. v is not modified.
func ValidateValue(v any) error {
	whole, status, err := compiled()
	if err != nil {
		return err
	}
	var problems []Problem
	var entries []any
	if obj, ok := v.(map[string]any); ok {
		if arr, ok := obj["credentialStatus"].([]any); ok {
			entries = arr
			obj = maps.Clone(obj)
			delete(obj, "credentialStatus")
			v = obj
		}
	}
	problems = append(problems, problemsOf(whole.Validate(v), "")...)
	if entries != nil && len(entries) == 0 {
		problems = append(problems, Problem{Pointer: "/credentialStatus", Message: "is an empty array"})
	}
	for i, e := range entries {
		problems = append(problems, problemsOf(status.Validate(e), "/credentialStatus/"+strconv.Itoa(i))...)
	}
	if len(problems) > 0 {
		return &SchemaError{Problems: problems}
	}
	return nil
}

func problemsOf(err error, prefix string) []Problem {
	if err == nil {
		return nil
	}
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return []Problem{{Pointer: prefix, Message: err.Error()}}
	}
	var out []Problem
	collect(verr, prefix, &out)
	return out
}

var printer = message.NewPrinter(language.English)

// collect walks the cause tree to the keywords that failed; the inner
// nodes ($ref, allOf, oneOf, the schema itself) only group their causes.
func collect(e *jsonschema.ValidationError, prefix string, out *[]Problem) {
	_, contains := e.ErrorKind.(*kind.Contains)
	// A failed "contains" has a cause for every item that is not the one
	// wanted; the problem is the array's, not its items'.
	if len(e.Causes) > 0 && !contains {
		for _, c := range e.Causes {
			collect(c, prefix, out)
		}
		return
	}
	at := prefix + pointer(e.InstanceLocation)
	if k, ok := e.ErrorKind.(*kind.Required); ok {
		// One problem per missing property, named by its own pointer.
		for _, name := range k.Missing {
			*out = append(*out, Problem{Pointer: at + "/" + escape(name), Message: "is required"})
		}
		return
	}
	if at == "" {
		at = "/" // RFC 6901 writes the whole document as "", which reads as nothing
	}
	*out = append(*out, Problem{Pointer: at, Message: e.ErrorKind.LocalizedString(printer)})
}

func pointer(toks []string) string {
	var b strings.Builder
	for _, t := range toks {
		b.WriteByte('/')
		b.WriteString(escape(t))
	}
	return b.String()
}

func escape(tok string) string {
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}
