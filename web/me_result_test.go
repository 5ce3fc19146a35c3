package web_test

import (
	"strings"
	"testing"
)

// TestScoreReportMarksWeakDomains: the report shows the score against the
// passing score, each domain with its weight, and the weak one in words.
func TestScoreReportMarksWeakDomains(t *testing.T) {
	s := newCandSite(t)
	res := s.failed(t)
	p := s.as(t, c1, "GET", "/me/results/"+res.ID, nil)
	if p.status != 200 {
		t.Fatalf("GET result = %d: %.300s", p.status, p.body)
	}
	if got := p.text("#score"); !strings.Contains(got, "Scaled score 640 on a scale of 100 to 1000; the passing score is 700: ✘ failed") {
		t.Errorf("score %q", got)
	}
	if v, _ := p.doc.Find("#score-meter").Attr("value"); v != "640" {
		t.Errorf("score meter value %q", v)
	}
	weak := p.doc.Find("#domains tr.weak")
	if weak.Length() != 1 || !strings.Contains(weak.Text(), "Guidelines for Responsible AI") || !strings.Contains(weak.Text(), "Needs improvement (weak domain)") {
		t.Errorf("weak rows %d: %q", weak.Length(), weak.Text())
	}
	if got := p.text("#domains tbody tr:first-child"); !strings.Contains(got, "Fundamentals of AI and ML") || !strings.Contains(got, "20%") || !strings.Contains(got, "Meets the standard") {
		t.Errorf("first domain %q", got)
	}
	if got := p.text("#weak"); got != "Weak domains, to study first: Guidelines for Responsible AI." {
		t.Errorf("weak list %q", got)
	}
	if p := s.as(t, c2, "GET", "/me/results/"+res.ID, nil); p.status != 404 {
		t.Errorf("c2 reading c1's result = %d", p.status)
	}
	if p := s.as(t, staff, "GET", "/staff/candidates/c2/results/"+res.ID, nil); p.status != 404 {
		t.Errorf("c1's result under c2's pages = %d", p.status)
	}
}
