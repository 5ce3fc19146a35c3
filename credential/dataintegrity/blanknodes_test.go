package dataintegrity

import (
	"fmt"
	"strings"
	"testing"
)

// clique is a JSON-LD graph of n blank nodes, each linked to every other:
// all alike to RDFC-1.0's first-degree hash, RDFC-1.0's "poison graph".
func clique(n int) map[string]any {
	var g []any
	for i := range n {
		var links []any
		for j := range n {
			if j != i {
				links = append(links, map[string]any{"@id": fmt.Sprintf("_:b%d", j)})
			}
		}
		g = append(g, map[string]any{"@id": fmt.Sprintf("_:b%d", i), "https://example.com/p": links})
	}
	return map[string]any{"@context": "https://www.w3.org/ns/credentials/v2", "@graph": g}
}

func TestCanonicalizeRefusesPoisonGraphs(t *testing.T) {
	// Without the guard a clique of 8 takes json-gold most of a minute.
	_, err := Canonicalize(clique(8))
	if err == nil || !strings.Contains(err.Error(), "8 blank nodes are alike") {
		t.Fatalf("Canonicalize(clique of 8) = %v, want it refused", err)
	}
	out, err := Canonicalize(clique(maxAmbiguousBlankNodes))
	if err != nil {
		t.Fatalf("Canonicalize(clique of %d) = %v", maxAmbiguousBlankNodes, err)
	}
	if got := strings.Count(out, "\n"); got != maxAmbiguousBlankNodes*(maxAmbiguousBlankNodes-1) {
		t.Errorf("clique of %d canonicalised to %d quads:\n%s", maxAmbiguousBlankNodes, got, out)
	}
	// Alike pairs add up: many small groups are as costly as one large.
	pairs := map[string]any{"@context": "https://www.w3.org/ns/credentials/v2", "@graph": []any{
		map[string]any{"https://example.com/p": "x"}, map[string]any{"https://example.com/p": "x"},
		map[string]any{"https://example.com/q": "x"}, map[string]any{"https://example.com/q": "x"},
		map[string]any{"https://example.com/r": "x"}, map[string]any{"https://example.com/r": "x"},
	}}
	if _, err := Canonicalize(pairs); err == nil || !strings.Contains(err.Error(), "6 blank nodes") {
		t.Errorf("Canonicalize(3 alike pairs) = %v, want it refused", err)
	}
}
