// Package definition reads certification program definitions: YAML files
// checked against a JSON Schema (schema.json) and then by policy.Compile.
//
// A program is data, so its author is not a Go programmer and the file is
// the only interface they have. Every problem is therefore reported, not
// only the first, each with the file, line, column and field it concerns:
//
//	programs/aws.yaml:42:15: exams[3].retake.failure_waits[0]: span "-P14D" is not ISO 8601: ...
//
// The pipeline is: YAML nodes (positions kept) -> plain values (scalars keep
// their text, so dates stay strings) -> JSON Schema -> policy.Program ->
// policy.Compile. Every error carries a JSON pointer until the end, where
// the pointer is resolved to the YAML node that wrote it.
package definition

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/recert/recert/policy"
	"github.com/recert/recert/programs"
)

// MaxSize bounds a definition file. The reference program is a few
// kilobytes; a file hundreds of times larger is a mistake.
const MaxSize = 8 << 20

// MaxErrors is how many errors one parse reports; past it the last error
// says how many more there are. A definition with hundreds of errors is
// usually one mistake repeated (a wrong indentation, an alias).
const MaxErrors = 100

// Error is one problem in a definition, at a place in its file.
type Error struct {
	File         string
	Line, Column int
	Field        string // exams[3].retake.failure_waits[0]; empty for the whole document
	Message      string
}

func (e *Error) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s", e.File, e.Line, e.Column, e.Field, e.Message)
}

// Errors is every problem found in one definition, in file order.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Parse reads a definition and returns the compiled program, or Errors.
// filename is only used in messages. It never panics: a panic would be a
// bug, and is reported as an error at the top of the file.
func Parse(filename string, data []byte) (prog *policy.Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			prog, err = nil, Errors{{File: filename, Line: 1, Column: 1,
				Message: fmt.Sprintf("internal error reading the definition: %v", r)}}
		}
	}()
	return parse(filename, data)
}

// LoadFile reads and parses a definition file.
func LoadFile(path string) (*policy.Program, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

var (
	awsOnce sync.Once
	awsProg *policy.Program
)

// AWS returns the embedded reference program (programs/aws.yaml), parsed
// once. It panics if the embedded file is invalid: that is a bug in this
// repository, which TestAWS rules out, not a condition callers can handle.
// Callers share the returned program and must not modify it.
func AWS() *policy.Program {
	awsOnce.Do(func() {
		p, err := Parse("programs/aws.yaml", programs.AWS)
		if err != nil {
			panic("definition: the embedded reference program is invalid:\n" + err.Error())
		}
		awsProg = p
	})
	return awsProg
}

// parse is Parse without the recover, so that the fuzz test sees panics.
func parse(filename string, data []byte) (*policy.Program, error) {
	at := func(line, col int, field, msg string) Errors {
		return Errors{{File: filename, Line: line, Column: col, Field: field, Message: msg}}
	}
	if len(data) > MaxSize {
		return nil, at(1, 1, "", fmt.Sprintf("the definition is larger than %d bytes", MaxSize))
	}
	root, err := parseYAML(data)
	if err != nil {
		line, col, msg := syntaxPosition(err, data)
		return nil, at(line, col, "", msg)
	}
	if root == nil {
		return nil, at(1, 1, "", "the definition is empty")
	}

	t := &tree{root: root}
	doc := t.convert()
	if t.fatal != nil {
		// The document is incomplete past a limit: checking the rest would
		// only report the holes.
		line, col, field := t.locate(t.fatal.path, false)
		return nil, at(line, col, field, t.fatal.msg)
	}
	schemaIssues, err := validate(doc)
	if err != nil {
		return nil, at(1, 1, "", err.Error())
	}
	d := &decoder{}
	prog := d.program(doc)
	if _, isMap := doc.(map[string]any); !isMap {
		prog = nil // not a program at all: Compile would only add noise
	}

	// Each stage reports only what an earlier one has not already said
	// about the same field (or a field inside or around it): a schema
	// error about exams[0].score should not come back as "max must be above
	// the minimum 0" from Compile.
	seen := reportedPaths{exact: map[string]bool{}, inner: map[string]bool{}}
	var out []problem
	add := func(ps []problem) {
		var keep []problem
		for _, p := range ps {
			if !seen.related(p.path) {
				keep = append(keep, p)
			}
		}
		for _, p := range keep {
			seen.add(p.path)
		}
		out = append(out, keep...)
	}
	add(t.issue)
	add(schemaIssues)
	add(d.issue)
	if prog != nil {
		if cerr := prog.Compile(); cerr != nil {
			add(t.compileProblems(cerr))
		}
	}
	if len(out) == 0 {
		if prog != nil {
			return prog, nil
		}
		out = append(out, problem{msg: "the definition is not a program"})
	}
	errs := make(Errors, 0, len(out))
	for _, p := range out {
		line, col, field := t.locate(p.path, p.atKey)
		if p.line > 0 {
			line, col = p.line, p.col
		}
		errs = append(errs, &Error{File: filename, Line: line, Column: col, Field: field, Message: p.msg})
	}
	sort.SliceStable(errs, func(a, b int) bool {
		x, y := errs[a], errs[b]
		if x.Line != y.Line {
			return x.Line < y.Line
		}
		if x.Column != y.Column {
			return x.Column < y.Column
		}
		return x.Field < y.Field
	})
	if len(errs) > MaxErrors {
		last := errs[MaxErrors-1]
		errs = append(errs[:MaxErrors:MaxErrors], &Error{File: filename, Line: last.Line, Column: last.Column,
			Message: fmt.Sprintf("%d more errors not shown", len(out)-MaxErrors)})
	}
	return nil, errs
}

// compileProblems turns policy.Compile's errors into problems. Compile
// names other entries by JSON pointer ("already defined by /exams/0"); an
// author reads exams[0] (line 7) more easily.
func (t *tree) compileProblems(cerr error) []problem {
	des, ok := cerr.(policy.DefinitionErrors)
	if !ok {
		return []problem{{msg: cerr.Error()}}
	}
	var ps []problem
	for _, fe := range des {
		if t.defaultPathEcho(fe.Path, des) {
			continue
		}
		msg := pointerInText.ReplaceAllStringFunc(fe.Msg, func(ptr string) string {
			line, _, field := t.locate(ptr, false)
			return fmt.Sprintf("%s (line %d)", field, line)
		})
		ps = append(ps, problem{path: fe.Path, msg: msg})
	}
	return ps
}

var pointerInText = regexp.MustCompile(`/(exams|certifications)/[0-9]+`)

// defaultPathEcho reports whether a Compile error is about the renewal
// path Compile supplies when a certification lists none (its own line),
// while the certification's line is reported as unknown already: the file
// has no such path, so the second error would only repeat the first.
func (t *tree) defaultPathEcho(path string, all policy.DefinitionErrors) bool {
	toks := tokens(path)
	if len(toks) < 4 || toks[0] != "certifications" || toks[2] != "renewal" || t.exists(path) {
		return false
	}
	for _, fe := range all {
		if fe.Path == "/certifications/"+toks[1]+"/line" {
			return true
		}
	}
	return false
}

// reportedPaths remembers the JSON pointers already reported, and every
// pointer that encloses one of them, so that related costs one lookup per
// level of the pointer rather than one comparison per earlier error.
type reportedPaths struct {
	exact map[string]bool // reported
	inner map[string]bool // encloses something reported
}

func (r reportedPaths) add(path string) {
	if path == "" {
		return
	}
	r.exact[path] = true
	for p := parent(path); p != ""; p = parent(p) {
		r.inner[p] = true
	}
}

// related reports whether path is, contains or is inside a path already
// reported. The empty path (the whole document) is related to nothing, so
// that a top-level problem does not hide everything else.
func (r reportedPaths) related(path string) bool {
	if path == "" {
		return false
	}
	if r.exact[path] || r.inner[path] {
		return true
	}
	for p := parent(path); p != ""; p = parent(p) {
		if r.exact[p] {
			return true
		}
	}
	return false
}

func parent(path string) string {
	if i := strings.LastIndexByte(path, '/'); i > 0 {
		return path[:i]
	}
	return ""
}

// parseYAML returns the content node of the single document in data, or
// nil when data holds no document. A second document is an error: a
// definition is one program.
func parseYAML(data []byte) (root *yaml.Node, err error) {
	// The YAML library is third-party code; a panic in it must not take the
	// caller down, so it becomes a syntax error.
	defer func() {
		if r := recover(); r != nil {
			root, err = nil, fmt.Errorf("yaml: the YAML parser failed: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err == io.EOF {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		if err != nil {
			return nil, err
		}
		return nil, &extraDocument{line: extra.Line, col: extra.Column}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

type extraDocument struct{ line, col int }

func (e *extraDocument) Error() string {
	return "a definition is one YAML document; another one starts here"
}

var (
	yamlLine      = regexp.MustCompile(`^yaml: line ([0-9]+): (.*)$`)
	unknownAnchor = regexp.MustCompile(`^yaml: unknown anchor '(.*)' referenced$`)
)

// parserProblems are the YAML errors raised by the parser rather than the
// scanner. The library reports their line counted from 0 (and leaves it out
// on the first line), where scanner errors count from 1; it points at the
// start of the construct being parsed (the "[" never closed).
var parserProblems = []string{
	"did not find expected <stream-start>",
	"did not find expected <document start>",
	"found undefined tag handle",
	"did not find expected node content",
	"did not find expected '-' indicator",
	"did not find expected key",
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"found duplicate %YAML directive",
	"found incompatible YAML document",
	"found duplicate %TAG directive",
}

// syntaxPosition turns a YAML error into a position and a message. The YAML
// library reports a line but no column, so the column is that of the
// line's first character; an error without a line (bad UTF-8, a control
// character) is placed at the first offending byte.
func syntaxPosition(err error, data []byte) (line, col int, msg string) {
	if e, ok := err.(*extraDocument); ok {
		return max(e.line, 1), max(e.col, 1), e.Error()
	}
	text := err.Error()
	msg = strings.TrimPrefix(text, "yaml: ")
	line = 1
	if m := yamlLine.FindStringSubmatch(text); m != nil {
		line, _ = strconv.Atoi(m[1])
		line = max(line, 1)
		msg = m[2]
	}
	for _, p := range parserProblems {
		if msg == p {
			if yamlLine.MatchString(text) {
				line++
			}
			return line, firstColumn(data, line), "YAML syntax: " + msg
		}
	}
	if yamlLine.MatchString(text) {
		return line, firstColumn(data, line), "YAML syntax: " + msg
	}
	if m := unknownAnchor.FindStringSubmatch(text); m != nil {
		if i := bytes.Index(data, []byte("*"+m[1])); i >= 0 {
			line = 1 + bytes.Count(data[:i], []byte("\n"))
			return line, 1 + utf8.RuneCount(data[bytes.LastIndexByte(data[:i], '\n')+1:i]), "YAML syntax: " + msg
		}
	}
	line, col = 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if (r == utf8.RuneError && size == 1) || (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
			return line, col, "YAML syntax: " + msg
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return 1, 1, "YAML syntax: " + msg // no clue where: the top of the file
}

// firstColumn is the column of the first non-blank character of a line.
func firstColumn(data []byte, line int) int {
	lines := bytes.Split(data, []byte("\n"))
	if line < 1 || line > len(lines) {
		return 1
	}
	text := lines[line-1]
	return len(text) - len(bytes.TrimLeft(text, " \t")) + 1
}
