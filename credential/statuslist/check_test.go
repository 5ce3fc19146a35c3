package statuslist

import (
	"encoding/json"
	"errors"
	"os"
	"testing"
)

// asJSON round-trips v through encoding/json, as a verifier receives it.
func asJSON(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// published returns a list credential of purpose with index set, and an
// entry for index and for index+1, as parsed JSON.
func published(t *testing.T, purpose string, index int) (list, entry, neighbour map[string]any) {
	t.Helper()
	l := newList(t, MinEntries)
	if err := l.Set(index, true); err != nil {
		t.Fatal(err)
	}
	in := credentialInput(t)
	in.Purpose = purpose
	var err error
	if in.Encoded, err = l.Encode(); err != nil {
		t.Fatal(err)
	}
	cred, err := Credential(in)
	if err != nil {
		t.Fatal(err)
	}
	e, err := Entry(in.ID, index, purpose)
	if err != nil {
		t.Fatal(err)
	}
	n, err := Entry(in.ID, index+1, purpose)
	if err != nil {
		t.Fatal(err)
	}
	return asJSON(t, cred), asJSON(t, e), asJSON(t, n)
}

func TestCheckRoundTrip(t *testing.T) {
	for _, purpose := range []string{PurposeRevocation, PurposeSuspension} {
		list, entry, neighbour := published(t, purpose, 94567)
		if set, err := Check(entry, list); err != nil || !set {
			t.Errorf("%s: Check(set entry) = %v, %v; want true", purpose, set, err)
		}
		if set, err := Check(neighbour, list); err != nil || set {
			t.Errorf("%s: Check(neighbour) = %v, %v; want false", purpose, set, err)
		}
	}
}

// The specification's Example 1 entry against its Example 3 list: the
// revocation entry checks as unset; the suspension entry names another list.
func TestCheckSpecExamples(t *testing.T) {
	read := func(name string, v any) {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatal(err)
		}
	}
	var vc struct {
		CredentialStatus []map[string]any `json:"credentialStatus"`
	}
	var list map[string]any
	read("spec-example-1.json", &vc)
	read("spec-example-3.json", &list)
	if set, err := Check(vc.CredentialStatus[0], list); err != nil || set {
		t.Errorf("Check(revocation entry, example list) = %v, %v; want false", set, err)
	}
	if _, err := Check(vc.CredentialStatus[1], list); !errors.Is(err, ErrMalformed) {
		t.Errorf("Check(entry of list 4, list 3) = %v; want ErrMalformed (id mismatch)", err)
	}
}

func TestCheckRefuses(t *testing.T) {
	tests := []struct {
		name   string
		change func(list, entry map[string]any)
		want   error
	}{
		{"purpose mismatch", func(_, e map[string]any) { e["statusPurpose"] = PurposeSuspension }, ErrPurpose},
		{"index past the end", func(_, e map[string]any) { e["statusListIndex"] = "131072" }, ErrRange},
		{"index beyond int", func(_, e map[string]any) { e["statusListIndex"] = "99999999999999999999999999" }, ErrRange},
		{"negative index", func(_, e map[string]any) { e["statusListIndex"] = "-1" }, ErrMalformed},
		{"signed index", func(_, e map[string]any) { e["statusListIndex"] = "+5" }, ErrMalformed},
		{"numeric index", func(_, e map[string]any) { e["statusListIndex"] = float64(5) }, ErrMalformed},
		{"empty index", func(_, e map[string]any) { e["statusListIndex"] = "" }, ErrMalformed},
		{"statusSize 2", func(_, e map[string]any) { e["statusSize"] = float64(2) }, ErrMalformed},
		{"entry type", func(_, e map[string]any) { e["type"] = "StatusList2021Entry" }, ErrMalformed},
		{"no purpose", func(_, e map[string]any) { delete(e, "statusPurpose") }, ErrMalformed},
		{"no list url", func(_, e map[string]any) { delete(e, "statusListCredential") }, ErrMalformed},
		{"other list", func(l, _ map[string]any) { l["id"] = "https://elsewhere.example/list" }, ErrMalformed},
		{"list type", func(l, _ map[string]any) { l["type"] = []any{"VerifiableCredential"} }, ErrMalformed},
		{"no subject", func(l, _ map[string]any) { delete(l, "credentialSubject") }, ErrMalformed},
		{"subject type", func(l, _ map[string]any) { subject(l)["type"] = "StatusList2021" }, ErrMalformed},
		{"subject purpose", func(l, _ map[string]any) { subject(l)["statusPurpose"] = float64(1) }, ErrMalformed},
		{"no encodedList", func(l, _ map[string]any) { delete(subject(l), "encodedList") }, ErrMalformed},
		{"bad encodedList", func(l, _ map[string]any) { subject(l)["encodedList"] = "zABC" }, ErrMultibasePrefix},
	}
	for _, tt := range tests {
		list, entry, _ := published(t, PurposeRevocation, 94567)
		tt.change(list, entry)
		if set, err := Check(entry, list); !errors.Is(err, tt.want) || set {
			t.Errorf("%s: Check = %v, %v; want %v", tt.name, set, err, tt.want)
		}
	}
	if _, err := Check(nil, nil); !errors.Is(err, ErrMalformed) {
		t.Errorf("Check(nil, nil) = %v; want ErrMalformed", err)
	}
}

func subject(list map[string]any) map[string]any {
	return list["credentialSubject"].(map[string]any)
}

// A list may carry several purposes (section 3.2); statusSize 1 written out
// is the default made explicit.
func TestCheckAccepts(t *testing.T) {
	list, entry, _ := published(t, PurposeSuspension, 7)
	subject(list)["statusPurpose"] = []any{PurposeRevocation, PurposeSuspension}
	entry["statusSize"] = float64(1)
	entry["type"] = []any{"BitstringStatusListEntry"}
	if set, err := Check(entry, list); err != nil || !set {
		t.Errorf("Check = %v, %v; want true", set, err)
	}
}
