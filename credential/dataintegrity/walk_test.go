package dataintegrity

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// leafPaths lists the JSON pointers of every leaf (string, number, bool,
// null) of a decoded JSON value.
func leafPaths(v any, at string) []string {
	switch v := v.(type) {
	case map[string]any:
		var out []string
		for k, c := range v {
			out = append(out, leafPaths(c, at+"/"+k)...)
		}
		return out
	case []any:
		var out []string
		for i, c := range v {
			out = append(out, leafPaths(c, fmt.Sprintf("%s/%d", at, i))...)
		}
		return out
	default:
		return []string{at}
	}
}

// keyPaths lists the JSON pointers of every object member.
func keyPaths(v any, at string) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for k, c := range v {
			out = append(out, at+"/"+k)
			out = append(out, keyPaths(c, at+"/"+k)...)
		}
	case []any:
		for i, c := range v {
			out = append(out, keyPaths(c, fmt.Sprintf("%s/%d", at, i))...)
		}
	}
	return out
}

// mutate returns doc encoded with the leaf at path changed (or, with
// rename, the member at path renamed). doc itself is not changed.
func mutate(t *testing.T, doc any, path string, rename bool) []byte {
	t.Helper()
	b, _ := json.Marshal(doc)
	var cp any
	if err := json.Unmarshal(b, &cp); err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(path, "/")[1:]
	var parent any = cp
	for _, p := range parts[:len(parts)-1] {
		parent = child(t, parent, p)
	}
	last := parts[len(parts)-1]
	if rename {
		m := parent.(map[string]any)
		m[last+"x"] = m[last]
		delete(m, last)
	} else {
		set(t, parent, last, changed(child(t, parent, last)))
	}
	out, err := json.Marshal(cp)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func changed(v any) any {
	switch v := v.(type) {
	case string:
		return v + "x"
	case float64:
		return v + 1
	case bool:
		return !v
	case nil:
		return "x"
	}
	panic(fmt.Sprintf("not a leaf: %T", v))
}

func child(t *testing.T, v any, key string) any {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		return v[key]
	case []any:
		var i int
		fmt.Sscan(key, &i)
		return v[i]
	}
	t.Fatalf("no %s in a %T", key, v)
	return nil
}

func set(t *testing.T, v any, key string, to any) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		v[key] = to
	case []any:
		var i int
		fmt.Sscan(key, &i)
		v[i] = to
	default:
		t.Fatalf("no %s in a %T", key, v)
	}
}
