package web_test

import (
	"strings"
	"testing"
)

// TestCredentialsDownloadAndShare: a pass's credential is listed with its
// state, downloads as the VC-JWT app holds, and links to its public
// verification page; another candidate gets neither.
func TestCredentialsDownloadAndShare(t *testing.T) {
	s := newCandSite(t)
	p := s.as(t, c1, "GET", "/me/credentials", nil)
	if p.status != 200 || p.doc.Find("#no-creds").Length() != 1 {
		t.Fatalf("no credential yet: %d", p.status)
	}
	ap := s.book(t, "c1", "AIF-C01", "tc1", "2026-03-10T14:00:00Z")
	s.set("2026-03-11T10:00:00Z")
	s.result(t, ap.ID, 800)
	s.issue(t)
	creds, err := s.a.Credentials(s.ctx, c1, "c1", ledgerPage())
	if err != nil || len(creds) != 1 {
		t.Fatalf("credentials %d, %v", len(creds), err)
	}
	id := creds[0].ID
	p = s.as(t, c1, "GET", "/me/credentials", nil)
	if got := p.text("#cred-" + id + " .cred-state"); !strings.Contains(got, "State: Active") || !strings.Contains(got, "until Sun 11 Mar 2029, 00:00 EST (America/New_York)") {
		t.Errorf("credential state %q", got)
	}
	if v, _ := p.doc.Find("#share-" + id).Attr("value"); v != "https://recert.example/credentials/"+id {
		t.Errorf("share link %q", v)
	}
	href, _ := p.doc.Find("#download-" + id).Attr("href")
	if href != "/me/credentials/"+id+".jwt" {
		t.Fatalf("download link %q", href)
	}
	d := s.as(t, c1, "GET", href, nil)
	if d.status != 200 || d.body != creds[0].JWT || d.header.Get("Content-Type") != "application/vc+jwt" ||
		!strings.Contains(d.header.Get("Content-Disposition"), id+".jwt") || strings.Count(d.body, ".") != 2 {
		t.Errorf("download = %d %q %q, %d bytes", d.status, d.header.Get("Content-Type"), d.header.Get("Content-Disposition"), len(d.body))
	}
	if d := s.as(t, c2, "GET", "/staff/candidates/c1/credentials/"+id+".jwt", nil); d.status != 404 {
		t.Errorf("c2 downloading c1's credential = %d", d.status)
	}
	if d := s.as(t, c2, "GET", "/me/credentials/"+id+".jwt", nil); d.status != 404 || strings.Contains(d.body, creds[0].JWT) {
		t.Errorf("c2 asking for c1's credential id under their own pages = %d", d.status)
	}
}
