package statuslist

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"testing"
	"time"
)

func credentialInput(t *testing.T) CredentialInput {
	t.Helper()
	enc, err := newList(t, MinEntries).Encode()
	if err != nil {
		t.Fatal(err)
	}
	return CredentialInput{
		ID:        "https://recert.example/status/revocation/1",
		Issuer:    "did:web:recert.example",
		Purpose:   PurposeRevocation,
		ValidFrom: time.Date(2026, 12, 1, 23, 30, 0, 0, time.FixedZone("CET", 3600)),
		TTL:       5 * time.Minute,
		Encoded:   enc,
	}
}

func TestGoldenCredential(t *testing.T) {
	cred, err := Credential(credentialInput(t))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(cred, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "credential.golden.json", append(b, '\n'))

	// The built tree is the tree json.Unmarshal gives back: a proof made
	// over one holds for the other.
	var parsed map[string]any
	if err := json.Unmarshal(b, &parsed); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(parsed, cred) {
		t.Errorf("Credential's Go values differ from its JSON parsed back:\n%#v\n%#v", cred, parsed)
	}
}

func TestCredentialWithoutTTL(t *testing.T) {
	in := credentialInput(t)
	in.TTL = 0
	cred, err := Credential(in)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := cred["credentialSubject"].(map[string]any)["ttl"]; ok {
		t.Error("ttl present though TTL is 0")
	}
}

func TestCredentialRefuses(t *testing.T) {
	tests := []struct {
		name   string
		change func(*CredentialInput)
	}{
		{"no id", func(in *CredentialInput) { in.ID = "" }},
		{"id with a fragment", func(in *CredentialInput) { in.ID += "#x" }},
		{"no issuer", func(in *CredentialInput) { in.Issuer = "" }},
		{"unknown purpose", func(in *CredentialInput) { in.Purpose = "message" }},
		{"no validFrom", func(in *CredentialInput) { in.ValidFrom = time.Time{} }},
		{"negative ttl", func(in *CredentialInput) { in.TTL = -time.Second }},
		{"ttl under a millisecond", func(in *CredentialInput) { in.TTL = time.Second + time.Microsecond }},
		{"not encoded", func(in *CredentialInput) { in.Encoded = "H4sI" }},
	}
	for _, tt := range tests {
		in := credentialInput(t)
		tt.change(&in)
		cred, err := Credential(in)
		if !errors.Is(err, ErrMalformed) || cred != nil {
			t.Errorf("%s: Credential = %v, %v; want ErrMalformed", tt.name, cred, err)
		}
	}
}

// Entry makes exactly the first credentialStatus of the specification's
// Example 1.
func TestEntryMatchesSpecExample(t *testing.T) {
	b, err := os.ReadFile("testdata/spec-example-1.json")
	if err != nil {
		t.Fatal(err)
	}
	var ex struct {
		CredentialStatus []map[string]any `json:"credentialStatus"`
	}
	if err := json.Unmarshal(b, &ex); err != nil {
		t.Fatal(err)
	}
	for i, want := range map[int]map[string]any{94567: ex.CredentialStatus[0], 23452: ex.CredentialStatus[1]} {
		got, err := Entry(want["statusListCredential"].(string), i, want["statusPurpose"].(string))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Entry(%d) =\n%v\nwant the spec's\n%v", i, got, want)
		}
	}
}

func TestEntryRefuses(t *testing.T) {
	const url = "https://recert.example/status/revocation/1"
	tests := []struct {
		name    string
		url     string
		index   int
		purpose string
		want    error
	}{
		{"no url", "", 1, PurposeRevocation, ErrMalformed},
		{"url with a fragment", url + "#list", 1, PurposeRevocation, ErrMalformed},
		{"negative index", url, -1, PurposeRevocation, ErrRange},
		{"unknown purpose", url, 1, "refresh", ErrMalformed},
	}
	for _, tt := range tests {
		if e, err := Entry(tt.url, tt.index, tt.purpose); !errors.Is(err, tt.want) || e != nil {
			t.Errorf("%s: Entry = %v, %v; want %v", tt.name, e, err, tt.want)
		}
	}
}
