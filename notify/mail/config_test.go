package mail

import (
	"strings"
	"testing"
)

func TestParseServer(t *testing.T) {
	tests := []struct {
		url  string
		want server
	}{
		{"smtp://127.0.0.1:1025", server{host: "127.0.0.1", port: 1025, mode: tlsOpportunistic}},
		{"smtp://mail.example.org", server{host: "mail.example.org", port: 25, mode: tlsOpportunistic}},
		{"SMTP://mail.example.org:587?starttls=required", server{host: "mail.example.org", port: 587, mode: tlsRequired}},
		{"smtp://mail.example.org:25?starttls=none", server{host: "mail.example.org", port: 25, mode: tlsNone}},
		{"smtps://mail.example.org", server{host: "mail.example.org", port: 465, mode: tlsImplicit}},
		{"smtps://[::1]:2465", server{host: "::1", port: 2465, mode: tlsImplicit}},
		// Credentials to another host: STARTTLS becomes required.
		{"smtp://ann:p%40ss@mail.example.org:587", server{host: "mail.example.org", port: 587, mode: tlsRequired, user: "ann", password: "p@ss", auth: true}},
		// To loopback they may go in clear text.
		{"smtp://ann:pw@localhost:1025?starttls=none", server{host: "localhost", port: 1025, mode: tlsNone, user: "ann", password: "pw", auth: true}},
		{"smtp://ann:pw@127.0.0.1:1025", server{host: "127.0.0.1", port: 1025, mode: tlsOpportunistic, user: "ann", password: "pw", auth: true}},
	}
	for _, tt := range tests {
		got, err := parseServer(tt.url)
		if err != nil {
			t.Errorf("%s: %v", tt.url, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.url, got, tt.want)
		}
	}
}

// TestParseServerErrors: each bad URL is refused with a message naming the
// wrong part, and never with the password in it.
func TestParseServerErrors(t *testing.T) {
	tests := []struct{ url, want string }{
		{"", "empty"},
		{"mail.example.org:25", "scheme"},
		{"http://mail.example.org", `scheme "http"`},
		{"smtp:mail.example.org", "two slashes"},
		{"smtp://:25", "no host"},
		{"smtp://mail.example.org:99999", `port "99999"`},
		{"smtp://mail.example.org:x", "does not parse"},
		{"smtp://mail.example.org:", "empty port"},
		{"smtp://mail.example.org/path", "path"},
		{"smtp://mail.example.org?tls=yes", `unknown parameter "tls"`},
		{"smtp://mail.example.org?starttls=maybe", `starttls="maybe"`},
		{"smtp://mail.example.org?starttls=none&starttls=required", "2 times"},
		{"smtps://mail.example.org?starttls=none", "does not apply to smtps"},
		{"smtp://:Secret-pw@mail.example.org", "empty user name"},
		{"smtp://ann:Secret-pw@mail.example.org?starttls=none", "clear text"},
		{"smtp://ann:Secret-pw@mail.example.org:bad", "does not parse"},
		{"smtp://ann:Secret-pw@%zz", "does not parse"},
	}
	for _, tt := range tests {
		_, err := parseServer(tt.url)
		if err == nil {
			t.Errorf("%q accepted", tt.url)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v; want it to say %q", tt.url, err, tt.want)
		}
		if strings.Contains(err.Error(), "Secret-pw") {
			t.Errorf("%q: the error shows the password: %v", tt.url, err)
		}
	}
}

func TestMessageID(t *testing.T) {
	for in, want := range map[string]string{
		"<a.b@recert.test>": "a.b@recert.test",
		"a.b@recert.test":   "a.b@recert.test",
	} {
		if got, err := messageID(in); err != nil || got != want {
			t.Errorf("messageID(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "<>", "no-at", "a@b@c", "a b@c", "a@b\r\nBcc: x@y", "<a@b", "a@"} {
		if got, err := messageID(bad); err == nil {
			t.Errorf("messageID(%q) accepted: %q", bad, got)
		}
	}
}

func TestNewChecksFrom(t *testing.T) {
	for _, from := range []string{"", "not an address", "a@b, c@d"} {
		if _, err := New(Config{URL: "smtp://127.0.0.1:25", From: from}); err == nil {
			t.Errorf("From %q accepted", from)
		}
	}
	if _, err := New(Config{URL: "smtp://127.0.0.1:25", From: "recert <noreply@recert.test>"}); err != nil {
		t.Errorf("a From with a display name: %v", err)
	}
}
