package statuslist

import (
	"bytes"
	"encoding/json"
	"testing"
)

// Decode never panics, and whatever it accepts is a list of at least the
// minimum that re-encodes to the same bitstring.
func FuzzDecode(f *testing.F) {
	f.Add("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA")
	f.Add("uH4sIAAAAAAAC_-zAMQEAAADCIPunNsYeGAAAAAAAAAAAAAAAAAAAAJB7AAAA__-G0lSrAEAAAA")
	f.Add("")
	f.Add("u")
	f.Add("uH4sI")
	f.Add("z!!")
	f.Fuzz(func(t *testing.T, s string) {
		l, err := Decode(s)
		if err != nil {
			if l != nil {
				t.Fatal("a list with an error")
			}
			return
		}
		if l.Len() < MinEntries || l.Len() > MaxBytes*8 {
			t.Fatalf("accepted a list of %d entries", l.Len())
		}
		enc, err := l.Encode()
		if err != nil {
			t.Fatal(err)
		}
		back, err := Decode(enc)
		if err != nil || !bytes.Equal(back.Bytes(), l.Bytes()) {
			t.Fatalf("re-encoding changed the list: %v", err)
		}
	})
}

// Check never panics on any pair of JSON objects.
func FuzzCheck(f *testing.F) {
	f.Add(`{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"94567","statusListCredential":"https://example.com/credentials/status/3"}`,
		`{"id":"https://example.com/credentials/status/3","type":["VerifiableCredential","BitstringStatusListCredential"],"credentialSubject":{"type":"BitstringStatusList","statusPurpose":"revocation","encodedList":"uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"}}`)
	f.Add(`{}`, `{}`)
	f.Fuzz(func(t *testing.T, e, l string) {
		var entry, list map[string]any
		if json.Unmarshal([]byte(e), &entry) != nil || json.Unmarshal([]byte(l), &list) != nil {
			return
		}
		set, err := Check(entry, list)
		if err != nil && set {
			t.Fatal("set with an error")
		}
	})
}
