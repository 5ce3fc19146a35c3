package ob

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(append(got, '\n'), want) {
		t.Errorf("%s differs from the built document:\n%s", path, got)
	}
}

func day(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func statusEntries(index string) []map[string]any {
	return []map[string]any{
		{
			"id": "https://certs.example.org/status/revocation/1#" + index, "type": "BitstringStatusListEntry",
			"statusPurpose": "revocation", "statusListIndex": index,
			"statusListCredential": "https://certs.example.org/status/revocation/1",
		},
		{
			"id": "https://certs.example.org/status/suspension/1#" + index, "type": "BitstringStatusListEntry",
			"statusPurpose": "suspension", "statusListIndex": index,
			"statusListCredential": "https://certs.example.org/status/suspension/1",
		},
	}
}

// firstGrant is a certification earned by an exam.
func firstGrant() Input {
	return Input{
		ID: "https://certs.example.org/credentials/0b7e6a1c-6f1e-4a57-9d2b-3c1f1f8f0a01",
		Issuer: Issuer{
			ID: "did:web:certs.example.org", Name: "Example Certification Board",
			URL: "https://certs.example.org/", Email: "registrar@example.org",
		},
		Subject: Subject{
			ID: "urn:uuid:5f0c8a52-3b8e-4d7c-a5a1-2a9f0e1b7c11", Name: "Ann Lee", Email: "Ann.Lee@example.com",
		},
		Achievement: Achievement{
			ID:                "https://certs.example.org/certifications/cna",
			Name:              "Certified Network Associate",
			Description:       "Designs, runs & troubleshoots <small> networks.",
			HumanCode:         "CNA-200",
			CriteriaNarrative: "Pass exam series **CNA-200** with a scaled score of at least 700.",
			Image:             "https://certs.example.org/certifications/cna/badge.png",
		},
		AwardedDate: day("2025-03-14T09:30:00Z"),
		ValidFrom:   day("2025-03-14T09:30:00Z"),
		ValidUntil:  day("2028-03-14T09:30:00Z"),
		Result:      &Result{Scaled: 812, Passing: 700, Min: 100, Max: 1000},
		Status:      statusEntries("94567"),
	}
}

// renewal is the next term of firstGrant: a new credential, the same
// awardedDate, a link to the one it supersedes.
func renewal() Input {
	in := firstGrant()
	in.Supersedes = in.ID
	in.ID = "https://certs.example.org/credentials/7d2f3e90-1a4b-4c8e-b7d6-55e0c9a4e202"
	in.ValidFrom = day("2028-03-10T12:00:00+02:00") // renewed early, written in UTC
	in.ValidUntil = day("2031-03-14T09:30:00Z")
	in.Result = &Result{Scaled: 700, Passing: 700, Min: 100, Max: 1000}
	in.Status = statusEntries("3")
	return in
}

func TestBuildGolden(t *testing.T) {
	for name, in := range map[string]Input{"first-grant.json": firstGrant(), "renewal.json": renewal()} {
		t.Run(name, func(t *testing.T) {
			got, err := Build(in)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, name, got)
			again, err := Build(in)
			if err != nil || !bytes.Equal(got, again) {
				t.Errorf("a second build of the same input differs (err %v)", err)
			}
			if err := Validate(got); err != nil {
				t.Errorf("built credential fails the schema: %v", err)
			}
		})
	}
}

// TestRenewalKeepsTheFirstGrant reads the renewal as a verifier would: the
// award date is the first grant's, the term is the new one, and the
// superseded credential is named by the evidence SupersededGenre marks.
func TestRenewalKeepsTheFirstGrant(t *testing.T) {
	b, err := Build(renewal())
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		AwardedDate, ValidFrom, ValidUntil string
		Evidence                           []struct{ ID, Genre string }
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	if c.AwardedDate != "2025-03-14T09:30:00Z" || c.ValidFrom != "2028-03-10T10:00:00Z" || c.ValidUntil != "2031-03-14T09:30:00Z" {
		t.Errorf("dates %+v: want the first grant's awardedDate and the new term in UTC", c)
	}
	if len(c.Evidence) != 1 || c.Evidence[0].ID != firstGrant().ID || c.Evidence[0].Genre != SupersededGenre {
		t.Errorf("evidence %+v: want the superseded credential %s", c.Evidence, firstGrant().ID)
	}
	first, err := Build(firstGrant())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(first, []byte(`"evidence"`)) {
		t.Error("a first grant has evidence of a superseded credential")
	}
}

// TestBuildVariants builds the optional shapes; each must still pass the
// schema (Build checks) and carry what it was given.
func TestBuildVariants(t *testing.T) {
	cases := []struct {
		name   string
		edit   func(*Input)
		has    []string
		hasNot []string
	}{
		{"one status entry is an object", func(in *Input) { in.Status = in.Status[:1] },
			[]string{`"credentialStatus": {`}, []string{`"credentialStatus": [`}},
		{"two status entries are an array", func(in *Input) {}, []string{`"credentialStatus": [`}, nil},
		{"no status", func(in *Input) { in.Status = nil }, nil, []string{"credentialStatus"}},
		{"no result (renewed by credits)", func(in *Input) { in.Result = nil }, nil, []string{"resultDescription", `"result"`}},
		{"e-mail only subject", func(in *Input) { in.Subject.ID, in.Subject.Name = "", "" },
			[]string{`"emailAddress"`}, []string{`"urn:uuid:5f0c8a52`, `"identityType": "name"`}},
		{"id only subject", func(in *Input) { in.Subject.Email, in.Subject.Name = "", "" }, nil, []string{"identifier"}},
		{"no end of term", func(in *Input) { in.ValidUntil = time.Time{} }, nil, []string{"validUntil"}},
		{"no image, no issuer url or e-mail", func(in *Input) { in.Achievement.Image, in.Issuer.URL, in.Issuer.Email = "", "", "" },
			nil, []string{`"image"`, `"url"`, `"email"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := firstGrant()
			tc.edit(&in)
			b, err := Build(in)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tc.has {
				if !bytes.Contains(b, []byte(s)) {
					t.Errorf("missing %s in\n%s", s, b)
				}
			}
			for _, s := range tc.hasNot {
				if bytes.Contains(b, []byte(s)) {
					t.Errorf("unexpected %s in\n%s", s, b)
				}
			}
		})
	}
}

func TestBuildRefusesBadInput(t *testing.T) {
	cases := []struct {
		name, want string
		edit       func(*Input)
	}{
		{"relative id", "id \"credentials/1\": not an absolute URI", func(in *Input) { in.ID = "credentials/1" }},
		{"no issuer", "issuer.id: missing", func(in *Input) { in.Issuer.ID = "" }},
		{"no subject", "subject: needs an id or an e-mail address", func(in *Input) { in.Subject.ID, in.Subject.Email = "", "" }},
		{"no human code", "achievement.humanCode: missing", func(in *Input) { in.Achievement.HumanCode = " " }},
		{"no criteria", "achievement.criteriaNarrative: missing", func(in *Input) { in.Achievement.CriteriaNarrative = "" }},
		{"achievement id with fragment", "has a fragment", func(in *Input) { in.Achievement.ID += "#x" }},
		{"no award date", "awardedDate: missing", func(in *Input) { in.AwardedDate = time.Time{} }},
		{"term before the grant", "is before awardedDate", func(in *Input) { in.ValidFrom = in.AwardedDate.Add(-time.Hour) }},
		{"empty term", "is not after validFrom", func(in *Input) { in.ValidUntil = in.ValidFrom }},
		{"failing score", "score 699 is not a pass", func(in *Input) { in.Result.Scaled = 699 }},
		{"score above the scale", "score 1001 is not a pass", func(in *Input) { in.Result.Scaled = 1001 }},
		{"passing score off the scale", "passing score 50 is outside", func(in *Input) { in.Result.Passing = 50 }},
		{"empty scale", "scale 1000..1000 is empty", func(in *Input) { in.Result.Min = 1000 }},
		{"supersedes itself", "cannot supersede itself", func(in *Input) { in.Supersedes = in.ID }},
		{"status entry without id", "status[1]: needs a string id and type", func(in *Input) { delete(in.Status[1], "id") }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := firstGrant()
			tc.edit(&in)
			b, err := Build(in)
			if err == nil {
				t.Fatalf("built\n%s", b)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
		})
	}
}

func TestIdentityHash(t *testing.T) {
	salt := Salt(firstGrant().ID)
	h := IdentityHash("Ann.Lee@example.com", salt)
	if !strings.HasPrefix(h, "sha256$") || len(h) != len("sha256$")+64 {
		t.Fatalf("hash %q is not sha256$ and 64 hex digits", h)
	}
	if !MatchesEmail(h, salt, " ann.lee@EXAMPLE.com") {
		t.Error("the same address in other case and spacing does not match")
	}
	if MatchesEmail(h, salt, "ann.le@example.com") {
		t.Error("another address matches")
	}
	if MatchesEmail(h, Salt(renewal().ID), "ann.lee@example.com") {
		t.Error("the hash matches under another credential's salt")
	}
	b, err := Build(firstGrant())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(bytes.ToLower(b), []byte("ann.lee@example.com")) {
		t.Error("the credential publishes the candidate's e-mail address in plain text")
	}
}
