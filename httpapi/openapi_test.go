package httpapi

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"mime"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/recert/recert/app"
	"github.com/recert/recert/internal/httpstatus"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// docURL names the embedded document inside the schema compiler. OpenAPI
// 3.1 schemas are JSON Schema 2020-12, so the whole document is loaded as
// one resource and response schemas are compiled by JSON pointer into it;
// their $refs to #/components/schemas resolve against the document.
const docURL = "https://recert.invalid/openapi.json"

type openAPIDoc struct {
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas   map[string]json.RawMessage `json:"schemas"`
		Responses map[string]json.RawMessage `json:"responses"`
	} `json:"components"`
}

type operation struct {
	Parameters []parameter                `json:"parameters"`
	Responses  map[string]json.RawMessage `json:"responses"`
	Security   *[]map[string][]string     `json:"security"`
}

type parameter struct {
	Ref      string `json:"$ref"`
	Name     string `json:"name"`
	In       string `json:"in"`
	Required bool   `json:"required"`
}

type response struct {
	Ref     string                     `json:"$ref"`
	Content map[string]json.RawMessage `json:"content"`
}

var (
	docOnce   sync.Once
	doc       openAPIDoc
	docRaw    map[string]any
	compiler  *jsonschema.Compiler
	schemasMu sync.Mutex
	compiled  = map[string]*jsonschema.Schema{}
	docErr    error
)

func loadDoc(t *testing.T) {
	t.Helper()
	docOnce.Do(func() {
		if docErr = json.Unmarshal(openAPIDocument, &doc); docErr != nil {
			return
		}
		raw, err := jsonschema.UnmarshalJSON(bytes.NewReader(openAPIDocument))
		if err != nil {
			docErr = err
			return
		}
		docRaw = raw.(map[string]any)
		compiler = jsonschema.NewCompiler()
		compiler.DefaultDraft(jsonschema.Draft2020)
		compiler.AssertFormat()
		docErr = compiler.AddResource(docURL, raw)
	})
	if docErr != nil {
		t.Fatalf("openapi.json: %v", docErr)
	}
}

// schemaAt compiles the schema at a JSON pointer of the document, once.
func schemaAt(t *testing.T, pointer string) *jsonschema.Schema {
	t.Helper()
	loadDoc(t)
	schemasMu.Lock()
	defer schemasMu.Unlock()
	if s, ok := compiled[pointer]; ok {
		return s
	}
	s, err := compiler.Compile(docURL + "#" + pointer)
	if err != nil {
		t.Fatalf("openapi.json: schema %s does not compile: %v", pointer, err)
	}
	compiled[pointer] = s
	return s
}

func esc(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1") }

// routeMux matches requests to route patterns the way the server does.
var routeMux = sync.OnceValue(func() *http.ServeMux {
	m := http.NewServeMux()
	for _, rt := range routes {
		m.Handle(rt.method+" "+rt.path, http.NotFoundHandler())
	}
	return m
})

// checkDocumented validates one answer against the document.
func checkDocumented(t *testing.T, r *http.Request, res *resp) {
	t.Helper()
	loadDoc(t)
	mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
	_, pattern := routeMux().Handler(r)
	if pattern == "" { // no route: a problem, whatever the path
		if mt != "application/problem+json" {
			t.Errorf("%s %s: unrouted answer is %q, not a problem", r.Method, r.URL.Path, mt)
		}
		validate(t, r, res, "/components/schemas/Problem")
		return
	}
	method, path, _ := strings.Cut(pattern, " ")
	method = strings.ToLower(method)
	if r.Method == http.MethodHead {
		return
	}
	var op operation
	if err := json.Unmarshal(doc.Paths[path][method], &op); err != nil {
		t.Fatalf("%s: not documented: %v", pattern, err)
	}
	status := strconv.Itoa(res.Status)
	rawResp, ok := op.Responses[status]
	if !ok {
		t.Errorf("%s answered %s, which openapi.json does not list for it\n%s", pattern, status, res.Body)
		return
	}
	pointer := "/paths/" + esc(path) + "/" + method + "/responses/" + status
	var rs response
	_ = json.Unmarshal(rawResp, &rs)
	if rs.Ref != "" {
		name := strings.TrimPrefix(rs.Ref, "#/components/responses/")
		pointer = "/components/responses/" + esc(name)
		_ = json.Unmarshal(doc.Components.Responses[name], &rs)
	}
	if len(rs.Content) == 0 {
		if len(res.Body) > 0 {
			t.Errorf("%s %s: documented without a body, answered %s", pattern, status, res.Body)
		}
		return
	}
	if _, ok := rs.Content[mt]; !ok {
		t.Errorf("%s %s: answered %q, documented %v", pattern, status, mt, keys(rs.Content))
		return
	}
	if mt == "application/json" || strings.HasSuffix(mt, "+json") {
		validate(t, r, res, pointer+"/content/"+esc(mt)+"/schema")
	}
}

func validate(t *testing.T, r *http.Request, res *resp, pointer string) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(res.Body))
	if err != nil {
		t.Errorf("%s %s: %d body is not JSON: %v\n%s", r.Method, r.URL.Path, res.Status, err, res.Body)
		return
	}
	if err := schemaAt(t, pointer).Validate(v); err != nil {
		t.Errorf("%s %s: %d body does not match %s: %v\n%s", r.Method, r.URL.Path, res.Status, pointer, err, res.Body)
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// TestOpenAPIMatchesRoutes keeps the document true in both directions:
// every registered route is documented, with its path parameters, its
// Idempotency-Key and its security; every documented operation is served.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	loadDoc(t)
	served := map[string]bool{}
	wildcard := regexp.MustCompile(`\{([^}]+)\}`)
	for _, rt := range routes {
		key := strings.ToLower(rt.method) + " " + rt.path
		served[key] = true
		raw, ok := doc.Paths[rt.path][strings.ToLower(rt.method)]
		if !ok {
			t.Errorf("route %s %s is not in openapi.json", rt.method, rt.path)
			continue
		}
		var op operation
		if err := json.Unmarshal(raw, &op); err != nil {
			t.Fatal(err)
		}
		params := resolveParams(t, rt.path, op)
		var inPath []string
		for _, p := range params {
			if p.In == "path" {
				inPath = append(inPath, p.Name)
			}
		}
		var want []string
		for _, m := range wildcard.FindAllStringSubmatch(rt.path, -1) {
			want = append(want, m[1])
		}
		sort.Strings(inPath)
		sort.Strings(want)
		if !slices.Equal(inPath, want) {
			t.Errorf("%s %s: path parameters documented %v, pattern has %v", rt.method, rt.path, inPath, want)
		}
		if rt.method == "POST" && !slices.ContainsFunc(params, func(p parameter) bool { return p.Name == "Idempotency-Key" && p.In == "header" }) {
			t.Errorf("%s %s: Idempotency-Key is not documented", rt.method, rt.path)
		}
		if public := op.Security != nil && len(*op.Security) == 0; public != rt.public {
			t.Errorf("%s %s: served public=%v, documented public=%v", rt.method, rt.path, rt.public, public)
		}
		if !rt.public && op.Responses["401"] == nil {
			t.Errorf("%s %s: needs a token but documents no 401", rt.method, rt.path)
		}
		for status := range op.Responses {
			if _, err := strconv.Atoi(status); err != nil {
				t.Errorf("%s %s: response %q: list statuses, not ranges or default", rt.method, rt.path, status)
			}
		}
	}
	for path, item := range doc.Paths {
		for method := range item {
			if slices.Contains(methods, method) && !served[method+" "+path] {
				t.Errorf("openapi.json documents %s %s, which is not served", strings.ToUpper(method), path)
			}
		}
	}
	// Every component schema compiles, so a broken $ref fails here rather
	// than in the first test that meets it.
	for name := range doc.Components.Schemas {
		schemaAt(t, "/components/schemas/"+esc(name))
	}
}

func resolveParams(t *testing.T, path string, op operation) []parameter {
	t.Helper()
	var pathLevel struct {
		Parameters []parameter `json:"parameters"`
	}
	if raw, ok := doc.Paths[path]["parameters"]; ok {
		if err := json.Unmarshal(raw, &pathLevel.Parameters); err != nil {
			t.Fatal(err)
		}
	}
	comps := docRaw["components"].(map[string]any)["parameters"].(map[string]any)
	var out []parameter
	for _, p := range append(pathLevel.Parameters, op.Parameters...) {
		if p.Ref != "" {
			name := strings.TrimPrefix(p.Ref, "#/components/parameters/")
			c, ok := comps[name].(map[string]any)
			if !ok {
				t.Errorf("%s: parameter %s is not in components", path, p.Ref)
				continue
			}
			p.Name, p.In = c["name"].(string), c["in"].(string)
			p.Required, _ = c["required"].(bool)
		}
		out = append(out, p)
	}
	return out
}

// declaredCodes is every error code the source declares: the constants
// of type Code in package app and of type app.Code here, read from the
// files with go/parser (Go cannot list a package's constants at run
// time). A code added anywhere in either package is therefore in the
// test below without anyone remembering to list it.
func declaredCodes(t *testing.T) map[app.Code]string {
	t.Helper()
	out := map[app.Code]string{}
	for dir, typ := range map[string]string{"../app": "Code", ".": "app.Code", "../internal/httpstatus": "app.Code"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			for _, decl := range f.Decls {
				gd, ok := decl.(*ast.GenDecl)
				if !ok || gd.Tok != token.CONST {
					continue
				}
				for _, spec := range gd.Specs {
					vs := spec.(*ast.ValueSpec)
					if vs.Type == nil || types.ExprString(vs.Type) != typ {
						continue
					}
					for i, n := range vs.Names {
						lit, ok := vs.Values[i].(*ast.BasicLit)
						if !ok || lit.Kind != token.STRING {
							t.Fatalf("%s: %s is not a string literal", name, n.Name)
						}
						v, _ := strconv.Unquote(lit.Value)
						out[app.Code(v)] = name + ": " + n.Name
					}
				}
			}
		}
	}
	if len(out) < 10 {
		t.Fatalf("found only %d codes in the source; is the parsing broken? %v", len(out), out)
	}
	return out
}

// TestStatusTable checks the one table: every code the source declares
// has a status and the status the API promises (want), the table holds
// no code the source does not declare, and the document's Problem.code
// enumerates exactly the table's codes. Checked: a new const of type
// Code in app fails it until it has a row in kinds and here.
func TestStatusTable(t *testing.T) {
	want := map[app.Code]int{
		app.CodeInvalid: 400, app.CodeUnauthenticated: 401, app.CodeForbidden: 403, app.CodeNotFound: 404,
		app.CodeExists: 409, app.CodeConflict: 409, app.CodePrecondition: 412, app.CodeIdempotencyReused: 422,
		app.CodeRefused: 422, app.CodeSlotFull: 409, app.CodeInternal: 500,
		httpstatus.MethodNotAllowed: 405, httpstatus.TooLarge: 413, httpstatus.UnsupportedMedia: 415, httpstatus.PreconditionRequired: 428,
		httpstatus.TooManyRequests: 429, httpstatus.Unavailable: 503,
	}
	declared := declaredCodes(t)
	for c, where := range declared {
		if _, ok := kinds[c]; !ok {
			t.Errorf("%s declares %s, which has no status in kinds", where, c)
		}
		if _, ok := want[c]; !ok {
			t.Errorf("%s declares %s: say here which status it must answer", where, c)
		}
	}
	for c := range kinds {
		if _, ok := declared[c]; !ok {
			t.Errorf("kinds has %s, which no source file declares", c)
		}
	}
	for c, st := range want {
		if got := statusOf(c); got != st {
			t.Errorf("%s answers %d, want %d", c, got, st)
		}
	}
	loadDoc(t)
	var problem struct {
		Properties struct {
			Code struct {
				Enum []string `json:"enum"`
			} `json:"code"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(doc.Components.Schemas["Problem"], &problem); err != nil {
		t.Fatal(err)
	}
	documented := problem.Properties.Code.Enum
	sort.Strings(documented)
	var table []string
	for c := range kinds {
		table = append(table, string(c))
	}
	sort.Strings(table)
	if !slices.Equal(documented, table) {
		t.Errorf("Problem.code documents %v, the table has %v", documented, table)
	}
}
