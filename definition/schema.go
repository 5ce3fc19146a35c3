package definition

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// schemaJSON is the JSON Schema (draft 2020-12) every definition must
// satisfy. It lives in the repository as a file, not as Go code, so that
// editors and other tools can validate definitions with it too.
//
//go:embed schema.json
var schemaJSON []byte

const schemaURL = "https://github.com/recert/recert/definition/schema.json"

// Schema returns the JSON Schema of program definitions.
func Schema() []byte { return bytes.Clone(schemaJSON) }

var (
	schemaOnce     sync.Once
	compiledSchema *jsonschema.Schema
	schemaErr      error
)

// loadSchema compiles the embedded schema once. A failure is a bug in
// schema.json, which a test rules out; it is still returned, not panicked.
func loadSchema() (*jsonschema.Schema, error) {
	schemaOnce.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
		if err != nil {
			schemaErr = fmt.Errorf("definition schema: %w", err)
			return
		}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft2020)
		if err := c.AddResource(schemaURL, doc); err != nil {
			schemaErr = fmt.Errorf("definition schema: %w", err)
			return
		}
		compiledSchema, schemaErr = c.Compile(schemaURL)
	})
	return compiledSchema, schemaErr
}

// validate checks the plain values against the schema and returns one
// problem per failed keyword, located by JSON pointer.
func validate(doc any) ([]problem, error) {
	sch, err := loadSchema()
	if err != nil {
		return nil, err
	}
	err = sch.Validate(doc)
	if err == nil {
		return nil, nil
	}
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return []problem{{msg: err.Error()}}, nil
	}
	var out []problem
	collect(verr, &out)
	return out, nil
}

// collect walks the cause tree down to the keywords that failed. The inner
// nodes ($ref, allOf, the schema itself) only group their causes.
func collect(e *jsonschema.ValidationError, out *[]problem) {
	if len(e.Causes) > 0 {
		for _, c := range e.Causes {
			collect(c, out)
		}
		return
	}
	at := pointer(e.InstanceLocation)
	switch k := e.ErrorKind.(type) {
	case *kind.AdditionalProperties:
		// One error per unknown field, at the field's own name.
		for _, name := range k.Properties {
			*out = append(*out, problem{path: at + "/" + escape(name), atKey: true,
				msg: "unknown field " + fmt.Sprintf("%q", name)})
		}
		return
	case *kind.Required:
		// One error per missing field, named as the field itself.
		for _, name := range k.Missing {
			*out = append(*out, problem{path: at + "/" + escape(name), msg: "is required"})
		}
		return
	}
	*out = append(*out, problem{path: at, msg: describe(e)})
}

func pointer(toks []string) string {
	var b strings.Builder
	for _, t := range toks {
		b.WriteByte('/')
		b.WriteString(escape(t))
	}
	return b.String()
}

var printer = message.NewPrinter(language.English)

// describe words a schema error for the author of a definition, not for
// someone who reads JSON Schema: "must be a string, not a number" rather
// than "got number, want string".
func describe(e *jsonschema.ValidationError) string {
	switch k := e.ErrorKind.(type) {
	case *kind.Type:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = article(w)
		}
		msg := "must be " + strings.Join(want, " or ") + ", not " + article(k.Got)
		// version: 2026.1 is a number to YAML; the author meant text.
		if len(k.Want) == 1 && k.Want[0] == "string" && (k.Got == "number" || k.Got == "integer" || k.Got == "boolean") {
			msg += " (quote it)"
		}
		return msg
	case *kind.Enum:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = fmt.Sprint(w)
		}
		return fmt.Sprintf("%s is not one of: %s", show(k.Got), strings.Join(want, ", "))
	case *kind.Pattern:
		return patternMessage(e.SchemaURL, k.Got, k.Want)
	case *kind.Minimum:
		return "must be at least " + k.Want.RatString()
	case *kind.Maximum:
		return "must be at most " + k.Want.RatString()
	case *kind.ExclusiveMinimum:
		return "must be above " + k.Want.RatString()
	case *kind.ExclusiveMaximum:
		return "must be below " + k.Want.RatString()
	case *kind.MultipleOf:
		if k.Want.RatString() == "1/100" {
			return "has more than two decimals"
		}
		return "must be a multiple of " + k.Want.FloatString(2)
	case *kind.MinItems:
		return fmt.Sprintf("needs at least %d item(s)", k.Want)
	case *kind.MinLength:
		return "cannot be empty"
	case *kind.MaxLength:
		return fmt.Sprintf("is longer than %d characters", k.Want)
	case *kind.UniqueItems:
		return fmt.Sprintf("items %d and %d are the same", k.Duplicates[0], k.Duplicates[1])
	}
	return e.ErrorKind.LocalizedString(printer)
}

// patternMessage says what form a value must take, by the schema
// definition whose pattern it failed.
func patternMessage(schemaLoc, got, pattern string) string {
	_, def, _ := strings.Cut(schemaLoc, "#")
	switch {
	case strings.HasPrefix(def, "/$defs/span"), strings.HasPrefix(def, "/$defs/optionalSpan"):
		return "span " + fmt.Sprintf("%q", got) + " is not ISO 8601: write it like P14D, P2Y, P6M or PT24H"
	case strings.HasPrefix(def, "/$defs/timeOfDay"):
		return "time " + fmt.Sprintf("%q", got) + " must be written HH:MM on a 24-hour clock, such as \"09:00\""
	case strings.HasPrefix(def, "/$defs/date"):
		return "date " + fmt.Sprintf("%q", got) + " must be written YYYY-MM-DD"
	case strings.HasSuffix(def, "/amount"):
		return "amount " + fmt.Sprintf("%q", got) + " must be a decimal number with at most two decimals, such as 100 or \"100.00\""
	case strings.HasSuffix(def, "/currency"):
		return fmt.Sprintf("%q", got) + " is not an ISO 4217 currency code such as USD"
	case strings.HasPrefix(def, "/$defs/code"):
		return fmt.Sprintf("%q", got) + " must be letters, digits, '.', '_' or '-'"
	case strings.HasPrefix(def, "/$defs/word"):
		return fmt.Sprintf("%q", got) + " must be lower-case letters, digits or '_'"
	case strings.HasSuffix(def, "/id"):
		return fmt.Sprintf("%q", got) + " must be lower-case letters, digits or '-'"
	}
	return fmt.Sprintf("%q does not match %s", got, pattern)
}

func article(t string) string {
	switch t {
	case "integer", "object", "array":
		return "an " + t
	case "null":
		return "null"
	}
	return "a " + t
}

func show(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprint(v)
}
