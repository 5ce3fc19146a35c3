package dataintegrity

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/piprate/json-gold/ld"
)

// maxAmbiguousBlankNodes bounds how many blank nodes of a dataset may
// share their first-degree hash with another. RDFC-1.0 tells such nodes
// apart by hashing N-degree paths over permutations of them, which is
// exponential in their number: a clique of 7 alike blank nodes, a document
// of a few hundred bytes, takes json-gold seconds and one of 8 most of a
// minute, and json-gold has no work limit of its own (RDFC-1.0 asks an
// implementation for one). A credential's blank nodes (a subject without
// an id, a result, criteria) differ in what they say, so they are all
// told apart by their first-degree hashes.
const maxAmbiguousBlankNodes = 5

// checkBlankNodes refuses a dataset whose blank nodes cannot be told apart
// cheaply. It groups the nodes as RDFC-1.0's first-degree hash would (the
// quads naming a node, that node written _:a and every other blank node
// _:z, sorted), comparing the serialisations instead of their hashes.
func checkBlankNodes(ds *ld.RDFDataset) error {
	lines := map[string][]string{}
	for graphName, quads := range ds.Graphs {
		var graph ld.Node
		switch {
		case graphName == "@default":
		case strings.HasPrefix(graphName, "_:"):
			graph = ld.NewBlankNode(graphName)
		default:
			graph = ld.NewIRI(graphName)
		}
		for _, q := range quads {
			terms := []ld.Node{q.Subject, q.Predicate, q.Object, graph}
			var seen []string
			for _, n := range terms {
				b, ok := n.(ld.BlankNode)
				if !ok || slices.Contains(seen, b.Attribute) {
					continue
				}
				seen = append(seen, b.Attribute)
				parts := make([]string, len(terms))
				for i, t := range terms {
					parts[i] = termFor(t, b.Attribute)
				}
				lines[b.Attribute] = append(lines[b.Attribute], strings.Join(parts, " "))
			}
		}
	}
	groups := map[string]int{}
	for _, l := range lines {
		slices.Sort(l)
		groups[strings.Join(l, "\n")]++
	}
	ambiguous := 0
	for _, n := range groups {
		if n > 1 {
			ambiguous += n
		}
	}
	if ambiguous > maxAmbiguousBlankNodes {
		return fmt.Errorf("%d blank nodes are alike to RDFC-1.0's first-degree hash, more than %d: telling them apart takes time exponential in their number", ambiguous, maxAmbiguousBlankNodes)
	}
	return nil
}

// termFor writes one term of a quad unambiguously, with the blank node
// being hashed as _:a and every other as _:z.
func termFor(n ld.Node, self string) string {
	switch t := n.(type) {
	case nil:
		return ""
	case ld.BlankNode:
		if t.Attribute == self {
			return "_:a"
		}
		return "_:z"
	case ld.IRI:
		return "<" + t.Value + ">"
	case ld.Literal:
		return strconv.Quote(t.Value) + "^^" + strconv.Quote(t.Datatype) + "@" + strconv.Quote(t.Language)
	default:
		return fmt.Sprintf("%T:%q", n, n.GetValue())
	}
}
