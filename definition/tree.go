package definition

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxValues bounds how many values one definition may expand to. A YAML
// alias repeats a whole subtree, so a few lines of anchors can describe
// billions of values ("billion laughs"); the reference program has about
// two thousand, so this is generous for real files and cheap for hostile ones.
const maxValues = 200_000

// maxDepth bounds nesting after aliases are followed; it also stops an
// alias that refers to a node containing itself.
const maxDepth = 200

// tree is a parsed YAML document. It converts the nodes to the plain values
// a JSON Schema validator understands and finds the node behind a JSON
// pointer, so that every error can name a line and column.
type tree struct {
	root  *yaml.Node // the document's content node
	left  int        // values that may still be produced (maxValues)
	issue []problem  // duplicate keys, keys that are not text
	fatal *problem   // a limit was hit: the values are incomplete
}

// problem is an error found before positions are resolved: a JSON pointer,
// whether it names the mapping key rather than the value, and a message.
// A problem that knows its exact position (a repeated key) sets line.
type problem struct {
	path      string
	atKey     bool
	msg       string
	line, col int
}

// convert returns the document as map[string]any, []any, string,
// json.Number, bool and nil. Strings keep the scalar's source text, so an
// unquoted 2025-09-30 stays a date string rather than becoming a timestamp.
func (t *tree) convert() any {
	t.left = maxValues
	return t.value(t.root, "", 0)
}

func (t *tree) value(n *yaml.Node, path string, depth int) any {
	if t.left <= 0 {
		return nil
	}
	t.left--
	if t.left == 0 {
		t.stop(path, "the definition expands to more than "+strconv.Itoa(maxValues)+" values (check its aliases)")
		return nil
	}
	if depth > maxDepth {
		t.stop(path, "nesting is deeper than "+strconv.Itoa(maxDepth)+" levels (an alias may refer to itself)")
		return nil
	}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil
		}
		return t.value(n.Alias, path, depth+1)
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return t.value(n.Content[0], path, depth+1)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		firstLine := make(map[string]int, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind == yaml.AliasNode && k.Alias != nil {
				k = k.Alias
			}
			if k.Kind != yaml.ScalarNode {
				t.issue = append(t.issue, problem{path: path, line: k.Line, col: k.Column,
					msg: "a field name must be plain text"})
				continue
			}
			at := path + "/" + escape(k.Value)
			if line, dup := firstLine[k.Value]; dup {
				t.issue = append(t.issue, problem{path: at, line: k.Line, col: k.Column,
					msg: "field " + strconv.Quote(k.Value) + " is repeated (first at line " + strconv.Itoa(line) + ")"})
				continue
			}
			firstLine[k.Value] = k.Line
			m[k.Value] = t.value(v, at, depth+1)
		}
		return m
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for i, c := range n.Content {
			s = append(s, t.value(c, path+"/"+strconv.Itoa(i), depth+1))
		}
		return s
	case yaml.ScalarNode:
		return scalar(n)
	}
	return nil
}

// stop records the first limit hit; the conversion then unwinds.
func (t *tree) stop(path, msg string) {
	if t.fatal == nil {
		t.fatal = &problem{path: path, msg: msg}
	}
	t.left = 0
}

// scalar converts one scalar by its resolved tag. Numbers become
// json.Number so that the schema checks decimals exactly; anything that is
// not a plain JSON number or boolean stays the text the author wrote.
func scalar(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		if n.Decode(&b) == nil {
			return b
		}
	case "!!int", "!!float":
		// Plain decimals pass through exactly. Exponents are evaluated here,
		// so that no later big.Rat ever expands 1e999999 digit by digit.
		if len(n.Value) <= 40 && !strings.ContainsAny(n.Value, "eE") && isJSONNumber(n.Value) {
			return json.Number(n.Value)
		}
		// YAML spellings such as 0x1F, 1_000, +5 or .5: use the value.
		var i int64
		if n.Decode(&i) == nil {
			return json.Number(strconv.FormatInt(i, 10))
		}
		var f float64
		if n.Decode(&f) == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
		}
	}
	return n.Value
}

// isJSONNumber reports whether s is a number in JSON's grammar.
func isJSONNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - start
	}
	start := i
	if n := digits(); n == 0 || (n > 1 && s[start] == '0') {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// escape and unescape are JSON pointer token escaping (RFC 6901).
func escape(tok string) string {
	if !strings.ContainsAny(tok, "~/") {
		return tok
	}
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}

func unescape(tok string) string {
	if !strings.Contains(tok, "~") {
		return tok
	}
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
}

// tokens splits a JSON pointer into unescaped tokens.
func tokens(ptr string) []string {
	if ptr == "" || ptr == "/" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i, p := range parts {
		parts[i] = unescape(p)
	}
	return parts
}

// locate finds where the value at ptr is written, or the key naming it when
// atKey is set. A pointer to something absent (a missing required field)
// resolves to the nearest enclosing node that exists. It also renders the
// pointer as a field name: exams[3].retake.failure_waits[0].
func (t *tree) locate(ptr string, atKey bool) (line, col int, field string) {
	n := t.root
	var key *yaml.Node
	var b strings.Builder
	found := true
	for depth, tok := range tokens(ptr) {
		if b.Len() > 100 {
			b.WriteString("...")
			break
		}
		_, isIndex := seqIndex(tok)
		if found {
			next, nextKey := childKey(n, tok)
			if next == nil {
				found = false
			} else {
				if m := deref(n); m != nil && m.Kind == yaml.MappingNode {
					isIndex = false
				}
				n, key = next, nextKey
			}
		}
		switch {
		case isIndex:
			b.WriteString("[" + tok + "]")
		case plainName(tok):
			if depth > 0 {
				b.WriteByte('.')
			}
			b.WriteString(tok)
		default:
			b.WriteString("[" + strconv.Quote(tok) + "]")
		}
	}
	n = deref(n)
	switch {
	case !found || n == nil:
		// n is the deepest node that exists.
	case atKey && key != nil:
		n = key
	case key != nil && n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" && n.Value == "":
		n = key // "validity:" with nothing after it: point at the field
	}
	if n == nil {
		return 1, 1, b.String()
	}
	return n.Line, n.Column, b.String()
}

// exists reports whether the document writes a value at ptr.
func (t *tree) exists(ptr string) bool {
	n := t.root
	for _, tok := range tokens(ptr) {
		if n, _ = childKey(n, tok); n == nil {
			return false
		}
	}
	return true
}

// childKey returns the value named tok in a mapping or sequence, and its
// key in a mapping. With repeated keys it is the first, as convert keeps.
func childKey(n *yaml.Node, tok string) (value, key *yaml.Node) {
	n = deref(n)
	if n == nil {
		return nil, nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := deref(n.Content[i]); k != nil && k.Kind == yaml.ScalarNode && k.Value == tok {
				return n.Content[i+1], n.Content[i]
			}
		}
	case yaml.SequenceNode:
		if i, ok := seqIndex(tok); ok && i < len(n.Content) {
			return n.Content[i], nil
		}
	}
	return nil, nil
}

// deref follows aliases to the node they name (a bounded number of hops,
// since nothing guarantees the chain ends).
func deref(n *yaml.Node) *yaml.Node {
	for hops := 0; n != nil && n.Kind == yaml.AliasNode; hops++ {
		if hops > maxDepth {
			return nil
		}
		n = n.Alias
	}
	return n
}

func seqIndex(tok string) (int, bool) {
	if tok == "" || len(tok) > 9 {
		return 0, false
	}
	for _, c := range tok {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	i, _ := strconv.Atoi(tok)
	return i, true
}

// plainName reports whether a key can be written after a dot.
func plainName(tok string) bool {
	if tok == "" {
		return false
	}
	for _, c := range tok {
		if !(c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
