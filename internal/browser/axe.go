package browser

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axePath is axe-core as tools/web/package.json pins it; CI installs it
// with `npm ci --prefix tools/web`.
var axePath = filepath.Join("tools", "web", "node_modules", "axe-core", "axe.min.js")

// violation is one axe-core finding.
type violation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// CheckAccessibility runs axe-core on the page shown and fails t on every
// violation of impact serious or critical, naming the rule, its impact,
// the elements and the help. axe is injected through the DevTools
// protocol's Runtime.evaluate, which the pages' Content-Security-Policy
// (scripts from 'self' only) does not govern; a <script> tag would be
// refused, as it should be.
func CheckAccessibility(t testing.TB, ctx context.Context) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(Root(t), axePath))
	if err != nil {
		need(t, "the accessibility check needs axe-core: npm ci --prefix tools/web (%v)", err)
	}
	// Once per page: a second check of the same page (in another width or
	// colour scheme) finds axe loaded.
	if get(t, ctx, "look for axe-core", chromedp.Evaluate[bool](`typeof axe === 'object'`)) {
		src = nil
	}
	if src != nil && !get(t, ctx, "inject axe-core", chromedp.Evaluate[bool](string(src)+"\n;typeof axe === 'object'")) {
		t.Fatalf("browser: axe-core did not load at %s", location(ctx))
	}
	found := Eval[[]violation](t, ctx, `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
		id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl, nodes: v.nodes.map(n => ({target: n.target}))})))`)
	var bad []string
	for _, v := range found {
		if v.Impact != "serious" && v.Impact != "critical" {
			continue
		}
		var targets []string
		for _, n := range v.Nodes {
			for _, x := range n.Target {
				if s, ok := x.(string); ok {
					targets = append(targets, s)
				}
			}
		}
		bad = append(bad, v.ID+" ("+v.Impact+") at "+strings.Join(targets, ", ")+": "+v.Help+" — "+v.HelpURL)
	}
	if len(bad) > 0 {
		t.Errorf("axe-core: %d serious or critical violations at %s:\n  %s", len(bad), location(ctx), strings.Join(bad, "\n  "))
	}
}
