package mail_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recert/recert/notify/mail"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestRenderGolden keeps each kind's text and HTML as reviewed: a template
// change shows up as a diff of testdata (go test -update rewrites it).
func TestRenderGolden(t *testing.T) {
	for _, m := range fixtures() {
		t.Run(m.Kind, func(t *testing.T) {
			text, html, err := mail.Render(m)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, m.Kind+".txt", text)
			golden(t, m.Kind+".html", html)
			for _, line := range m.Lines {
				if !strings.Contains(text, line) {
					t.Errorf("text lacks the line %q", line)
				}
			}
		})
	}
}

// TestRenderFacts checks what the goldens might hide when rewritten
// carelessly: each kind shows its own facts, in the candidate's zone, and
// the HTML escapes what it is given.
func TestRenderFacts(t *testing.T) {
	want := map[string][]string{
		"expiry_reminder":       {"SAA-C03, from Monday 2 March 2026", "SAP-C02", "Book by Saturday 1 August 2026", "in 180 days"},
		"certification_expired": {"Expired:       Saturday 29 August 2026", "SAA-C03"},
		"retake_available":      {"Retake from:    Monday 16 March 2026", "Design Resilient Architectures", "Design Cost-Optimized Architectures"},
		"change_deadline":       {"Sitting:        Monday 15 June 2026, 09:30 CEST", "Change until:   Sunday 14 June 2026, 09:30 CEST", "Berlin Mitte"},
		"sitting":               {"Sitting:        Monday 15 June 2026, 09:30 CEST", "Berlin Mitte"},
		"voucher_expiring":      {"Voucher:        v-42", "Wednesday 1 April 2026 (in 30 days)"},
		"signin":                {"Sign in: https://recert.example.org/signin/rcl_secret?a=1&b=2", "Sign-in sil_1"},
	}
	for _, m := range fixtures() {
		text, html, err := mail.Render(m)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want[m.Kind] {
			if !strings.Contains(text, w) {
				t.Errorf("%s text lacks %q:\n%s", m.Kind, w, text)
			}
		}
		if m.Kind == "signin" {
			if !strings.Contains(html, `href="https://recert.example.org/signin/rcl_secret?a=1&amp;b=2"`) {
				t.Errorf("the sign-in HTML lacks the link:\n%s", html)
			}
			if strings.Contains(text, "preferences") {
				t.Errorf("the sign-in mail has the notices' footer:\n%s", text)
			}
		}
		if m.Kind == "something_new" {
			if !strings.Contains(html, "The &lt;default&gt; template shows the lines &amp; nothing else.") {
				t.Errorf("HTML does not escape the lines:\n%s", html)
			}
			if strings.Contains(text, "Certification:") || strings.Contains(text, "Exam:") {
				t.Errorf("the default template shows facts:\n%s", text)
			}
		}
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the rendering (go test -update rewrites it)\n--- got:\n%s\n--- want:\n%s", path, got, want)
	}
}
