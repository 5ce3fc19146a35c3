package ob

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// TestEveryPropertyIsAContextTerm checks that every property a built
// credential uses is a term of the VC 2.0 or OB 3.0.3 context (at top
// level or scoped to a type). A property neither defines would be dropped
// by JSON-LD processing, or refused by a Data Integrity proof in safe mode,
// and recert may not add a context of its own. testdata holds the two
// contexts unchanged, from the standards this package embeds nothing of.
func TestEveryPropertyIsAContextTerm(t *testing.T) {
	terms := map[string]bool{}
	for _, f := range []string{"credentials-v2.jsonld", "ob-context-3.0.3.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		collectTerms(doc["@context"], terms)
	}
	for _, in := range []Input{firstGrant(), renewal()} {
		b, err := Build(in)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		used := map[string]bool{}
		collectKeys(v, used)
		var undefined []string
		for k := range used {
			if !terms[k] && k != "@context" {
				undefined = append(undefined, k)
			}
		}
		sort.Strings(undefined)
		if len(undefined) > 0 {
			t.Errorf("%s uses properties no pinned context defines: %v", in.ID, undefined)
		}
	}
}

func collectTerms(ctx any, terms map[string]bool) {
	m, ok := ctx.(map[string]any)
	if !ok {
		return
	}
	for k, v := range m {
		terms[k] = true
		if def, ok := v.(map[string]any); ok {
			collectTerms(def["@context"], terms)
		}
	}
}

func collectKeys(v any, keys map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			keys[k] = true
			collectKeys(e, keys)
		}
	case []any:
		for _, e := range x {
			collectKeys(e, keys)
		}
	}
}
