package ob

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

// mutate builds firstGrant, applies edit to its generic JSON form and
// re-encodes it.
func mutate(t *testing.T, edit func(m map[string]any)) []byte {
	t.Helper()
	b, err := Build(firstGrant())
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func obj(m map[string]any, path ...string) map[string]any {
	for _, p := range path {
		m = m[p].(map[string]any)
	}
	return m
}

func TestValidateNamesTheFailingPointer(t *testing.T) {
	cases := []struct {
		name, pointer string
		edit          func(m map[string]any)
	}{
		{"no id", "/id", func(m map[string]any) { delete(m, "id") }},
		{"no issuer", "/issuer", func(m map[string]any) { delete(m, "issuer") }},
		{"no validFrom", "/validFrom", func(m map[string]any) { delete(m, "validFrom") }},
		{"validFrom not a date-time", "/validFrom", func(m map[string]any) { m["validFrom"] = "14 March 2025" }},
		{"no subject", "/credentialSubject", func(m map[string]any) { delete(m, "credentialSubject") }},
		{"no achievement criteria", "/credentialSubject/achievement/criteria", func(m map[string]any) {
			delete(obj(m, "credentialSubject", "achievement"), "criteria")
		}},
		{"wrong achievementType", "/credentialSubject/achievement/achievementType", func(m map[string]any) {
			obj(m, "credentialSubject", "achievement")["achievementType"] = "Certified"
		}},
		{"wrong resultType", "/credentialSubject/achievement/resultDescription/0/resultType", func(m map[string]any) {
			rd := obj(m, "credentialSubject", "achievement")["resultDescription"].([]any)
			rd[0].(map[string]any)["resultType"] = "Scaled"
		}},
		{"score as a number", "/credentialSubject/result/0/value", func(m map[string]any) {
			r := obj(m, "credentialSubject")["result"].([]any)
			r[0].(map[string]any)["value"] = 812
		}},
		{"not an OpenBadgeCredential", "/type", func(m map[string]any) { m["type"] = []string{"VerifiableCredential"} }},
		{"VC 1.1 context", "/@context/0", func(m map[string]any) {
			m["@context"] = []string{"https://www.w3.org/2018/credentials/v1", ContextOB}
		}},
		{"second status entry without type", "/credentialStatus/1/type", func(m map[string]any) {
			delete(m["credentialStatus"].([]any)[1].(map[string]any), "type")
		}},
		{"single status entry without id", "/credentialStatus/id", func(m map[string]any) {
			s := m["credentialStatus"].([]any)[0].(map[string]any)
			delete(s, "id")
			m["credentialStatus"] = s
		}},
		{"empty status array", "/credentialStatus", func(m map[string]any) { m["credentialStatus"] = []any{} }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(mutate(t, tc.edit))
			var se *SchemaError
			if !errors.As(err, &se) {
				t.Fatalf("got %v, want a *SchemaError", err)
			}
			for _, p := range se.Problems {
				if p.Pointer == tc.pointer {
					return
				}
			}
			t.Errorf("problems %+v do not name %s", se.Problems, tc.pointer)
		})
	}
}

func TestValidateRefusesNonJSON(t *testing.T) {
	if err := Validate([]byte(`{"id":`)); err == nil || !strings.Contains(err.Error(), "not JSON") {
		t.Errorf("got %v", err)
	}
	var se *SchemaError
	if err := Validate([]byte(`[]`)); !errors.As(err, &se) || se.Problems[0].Pointer != "/" {
		t.Errorf("an array: got %v, want a problem at /", err)
	}
}

// TestStatusArrayDeviation pins why Validate treats credentialStatus
// itself: the 1EdTech schema, compiled as it is, refuses the two-entry
// array VC 2.0 allows. If a later schema accepts it, the special case can go.
func TestStatusArrayDeviation(t *testing.T) {
	whole, _, err := compiled()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(firstGrant())
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if whole.Validate(v) == nil {
		t.Error("the raw schema accepts a credentialStatus array; Validate's special case is no longer needed")
	}
}

// TestSchemaIsTheStandardFile guards the embedded copy against edits: it
// must be the file 1EdTech publishes, whose size and opening are fixed.
func TestSchemaIsTheStandardFile(t *testing.T) {
	b, err := os.ReadFile("ob-achievementcredential.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, schemaJSON) {
		t.Fatal("embedded schema differs from the file")
	}
	if !bytes.Contains(b, []byte(`"$id" : "`+schemaURL+`"`)) {
		t.Errorf("schema's $id is not %s", schemaURL)
	}
}

// FuzzValidate: any bytes give an answer, never a panic; a credential the
// fuzzer changes is either still valid or refused with problems.
func FuzzValidate(f *testing.F) {
	for _, name := range []string{"first-grant.json", "renewal.json", "did.json"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"credentialStatus":[1,{"id":2}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		err := Validate(doc)
		var se *SchemaError
		if errors.As(err, &se) && len(se.Problems) == 0 {
			t.Error("a SchemaError with no problems")
		}
	})
}

// BenchmarkValidate: what the schema check costs a verification.
func BenchmarkValidate(b *testing.B) {
	doc, err := os.ReadFile("testdata/renewal.json")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := Validate(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// TestValidateValueLeavesItsArgument: the status special case works on a
// copy, so a verifier's decoded credential keeps its credentialStatus.
func TestValidateValueLeavesItsArgument(t *testing.T) {
	b, err := os.ReadFile("testdata/renewal.json")
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if err := ValidateValue(v); err != nil {
		t.Fatal(err)
	}
	if s, ok := v["credentialStatus"].([]any); !ok || len(s) != 2 {
		t.Errorf("credentialStatus after ValidateValue: %v", v["credentialStatus"])
	}
	delete(v, "issuer")
	var se *SchemaError
	if err := ValidateValue(v); !errors.As(err, &se) || se.Problems[0].Pointer != "/issuer" {
		t.Errorf("got %v, want /issuer is required", err)
	}
}
