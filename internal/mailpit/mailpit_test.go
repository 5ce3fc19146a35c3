package mailpit

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/smtp"
	"strings"
	"testing"
	"time"
)

// send delivers one plain message with the standard library's client, so
// the harness is tested independently of recert's mailer.
func send(t *testing.T, s *Server, n int, tlsConf *tls.Config, auth smtp.Auth) {
	t.Helper()
	c, err := smtp.Dial(s.SMTPAddr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if tlsConf != nil {
		if err := c.StartTLS(tlsConf); err != nil {
			t.Fatalf("STARTTLS: %v", err)
		}
	}
	if auth != nil {
		if err := c.Auth(auth); err != nil {
			t.Fatalf("AUTH: %v", err)
		}
	}
	if err := c.Mail("from@example.org"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("to@example.org"); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(w, "From: from@example.org\r\nTo: Ann <to@example.org>\r\nSubject: test %d\r\nMessage-ID: <m%d@example.org>\r\n\r\nbody %d\r\n", n, n, n)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Quit(); err != nil {
		t.Fatal(err)
	}
}

func TestMessagesPagesAndDeleteAll(t *testing.T) {
	s := Start(t)
	old := pageSize
	pageSize = 2
	t.Cleanup(func() { pageSize = old })
	for i := range 5 {
		send(t, s, i, nil, nil)
	}
	msgs := s.WaitFor(t, 5, 10*time.Second)
	if len(msgs) != 5 {
		t.Fatalf("Messages over pages of 2: %d, want 5", len(msgs))
	}
	seen := map[string]bool{}
	for _, m := range msgs {
		seen[m.MessageID] = true
	}
	for i := range 5 {
		if !seen[fmt.Sprintf("m%d@example.org", i)] {
			t.Errorf("message m%d missing from %v", i, seen)
		}
	}
	var m0 Summary
	for _, m := range msgs {
		if m.Subject == "test 0" {
			m0 = m
		}
	}
	full := s.Message(t, m0.ID)
	if got := full.Header("Message-ID"); got != "<m0@example.org>" {
		t.Errorf("Message-ID header %q", got)
	}
	if len(full.To) != 1 || full.To[0].Address != "to@example.org" || full.To[0].Name != "Ann" {
		t.Errorf("To %+v", full.To)
	}
	if !strings.Contains(full.Text, "body 0") {
		t.Errorf("Text %q", full.Text)
	}
	s.DeleteAll(t)
	if n := len(s.Messages(t)); n != 0 {
		t.Errorf("%d messages after DeleteAll", n)
	}
}

func TestSTARTTLSAndAuth(t *testing.T) {
	s := Start(t, WithSTARTTLS(), WithAuth("ann", "s3cret"))
	host, _, _ := net.SplitHostPort(s.SMTPAddr())
	tlsConf := &tls.Config{RootCAs: s.RootCAs(), ServerName: host}

	// Without STARTTLS the server refuses the mail.
	c, err := smtp.Dial(s.SMTPAddr())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Mail("from@example.org"); err == nil {
		t.Error("MAIL without STARTTLS accepted; the server should require it")
	}
	c.Close()

	// A wrong password is refused.
	c, err = smtp.Dial(s.SMTPAddr())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.StartTLS(tlsConf); err != nil {
		t.Fatal(err)
	}
	if err := c.Auth(smtp.PlainAuth("", "ann", "wrong", host)); err == nil {
		t.Error("a wrong password was accepted")
	}
	c.Close()

	send(t, s, 1, tlsConf, smtp.PlainAuth("", "ann", "s3cret", host))
	msgs := s.WaitFor(t, 1, 10*time.Second)
	if msgs[0].Username != "ann" {
		t.Errorf("Username %q, want ann", msgs[0].Username)
	}
}
