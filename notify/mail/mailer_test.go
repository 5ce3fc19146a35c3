package mail_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/internal/mailpit"
	"github.com/recert/recert/notify/mail"
)

const wait = 10 * time.Second

func newMailer(t *testing.T, cfg mail.Config) *mail.Mailer {
	t.Helper()
	if cfg.From == "" {
		cfg.From = "recert <noreply@recert.test>"
	}
	m, err := mail.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestSendEveryKind sends one message of each kind through a real SMTP
// server and reads it back as a mail client would.
func TestSendEveryKind(t *testing.T) {
	mp := mailpit.Start(t)
	sent := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	m := newMailer(t, mail.Config{URL: "smtp://" + mp.SMTPAddr(), Now: func() time.Time { return sent }})
	msgs := fixtures()
	for _, msg := range msgs {
		if err := m.Send(context.Background(), msg); err != nil {
			t.Fatalf("%s: %v", msg.Kind, err)
		}
	}
	got := map[string]mailpit.Summary{}
	for _, s := range mp.WaitFor(t, len(msgs), wait) {
		got[s.Subject] = s
	}
	for _, msg := range msgs {
		s, ok := got[msg.Title]
		if !ok {
			t.Errorf("%s: no message with subject %q among %d", msg.Kind, msg.Title, len(got))
			continue
		}
		full := mp.Message(t, s.ID)
		wantID := "<" + strings.Trim(msg.MessageID, "<>") + ">"
		if h := full.Header("Message-ID"); h != wantID {
			t.Errorf("%s: Message-ID %q, want %q", msg.Kind, h, wantID)
		}
		if h := full.Header(mail.HeaderNotification); h != msg.ID {
			t.Errorf("%s: %s %q, want %q", msg.Kind, mail.HeaderNotification, h, msg.ID)
		}
		if len(full.To) != 1 || full.To[0].Address != msg.Candidate.Email || full.To[0].Name != msg.Candidate.Name {
			t.Errorf("%s: To %+v", msg.Kind, full.To)
		}
		if full.From == nil || full.From.Address != "noreply@recert.test" || full.From.Name != "recert" {
			t.Errorf("%s: From %+v", msg.Kind, full.From)
		}
		if !full.Date.Equal(sent) {
			t.Errorf("%s: Date %v, want the injected clock's %v", msg.Kind, full.Date, sent)
		}
		if ct := full.Header("Content-Type"); !strings.HasPrefix(ct, "multipart/alternative") {
			t.Errorf("%s: Content-Type %q", msg.Kind, ct)
		}
		for _, line := range msg.Lines {
			if !strings.Contains(full.Text, line) {
				t.Errorf("%s: text part lacks %q:\n%s", msg.Kind, line, full.Text)
			}
			if !strings.Contains(full.HTML, htmlEscape(line)) {
				t.Errorf("%s: HTML part lacks %q:\n%s", msg.Kind, line, full.HTML)
			}
		}
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// TestSTARTTLSRequiredWithAuth: the password goes over STARTTLS, the server
// checks it, and the server's certificate is checked against RootCAs.
func TestSTARTTLSRequiredWithAuth(t *testing.T) {
	mp := mailpit.Start(t, mailpit.WithSTARTTLS(), mailpit.WithAuth("ann", "s3cret"))
	msg := fixtures()[0]

	m := newMailer(t, mail.Config{URL: "smtp://ann:s3cret@" + mp.SMTPAddr() + "?starttls=required", RootCAs: mp.RootCAs()})
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	got := mp.WaitFor(t, 1, wait)
	if got[0].Username != "ann" {
		t.Errorf("sent as %q, want ann", got[0].Username)
	}

	// A wrong password is refused, and the error does not show it.
	m = newMailer(t, mail.Config{URL: "smtp://ann:Wrong-pw@" + mp.SMTPAddr() + "?starttls=required", RootCAs: mp.RootCAs()})
	err := m.Send(context.Background(), msg)
	if err == nil {
		t.Fatal("a wrong password was accepted")
	}
	if strings.Contains(err.Error(), "Wrong-pw") {
		t.Errorf("the error shows the password: %v", err)
	}
	if !strings.Contains(err.Error(), mp.SMTPAddr()) {
		t.Errorf("the error does not name the server: %v", err)
	}

	// Without the test CA the certificate is not trusted.
	m = newMailer(t, mail.Config{URL: "smtp://ann:s3cret@" + mp.SMTPAddr() + "?starttls=required"})
	if err := m.Send(context.Background(), msg); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("an untrusted certificate: %v", err)
	}

	// starttls=none to a server requiring STARTTLS: not accepted.
	m = newMailer(t, mail.Config{URL: "smtp://" + mp.SMTPAddr() + "?starttls=none"})
	if err := m.Send(context.Background(), msg); err == nil {
		t.Error("sent without STARTTLS to a server that requires it")
	}
	if n := len(mp.Messages(t)); n != 1 {
		t.Errorf("%d messages stored, want only the first", n)
	}
}

// TestStartTLSRequiredButNotOffered: starttls=required refuses a server
// that does not offer STARTTLS rather than sending in clear text.
func TestStartTLSRequiredButNotOffered(t *testing.T) {
	mp := mailpit.Start(t)
	m := newMailer(t, mail.Config{URL: "smtp://" + mp.SMTPAddr() + "?starttls=required"})
	err := m.Send(context.Background(), fixtures()[0])
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("sent without STARTTLS: %v", err)
	}
	if n := len(mp.Messages(t)); n != 0 {
		t.Errorf("%d messages stored", n)
	}
}

// TestImplicitTLS sends over smtps.
func TestImplicitTLS(t *testing.T) {
	mp := mailpit.Start(t, mailpit.WithImplicitTLS())
	m := newMailer(t, mail.Config{URL: "smtps://" + mp.SMTPAddr(), RootCAs: mp.RootCAs()})
	if err := m.Send(context.Background(), fixtures()[0]); err != nil {
		t.Fatal(err)
	}
	mp.WaitFor(t, 1, wait)
}

// TestLoopbackAuthWithoutTLS: to a loopback relay, credentials may go
// without TLS (and PLAIN/LOGIN are used although unencrypted).
func TestLoopbackAuthWithoutTLS(t *testing.T) {
	mp := mailpit.Start(t, mailpit.WithAuth("ann", "s3cret"))
	m := newMailer(t, mail.Config{URL: "smtp://ann:s3cret@" + mp.SMTPAddr()})
	if err := m.Send(context.Background(), fixtures()[0]); err != nil {
		t.Fatal(err)
	}
	if got := mp.WaitFor(t, 1, wait); got[0].Username != "ann" {
		t.Errorf("sent as %q, want ann", got[0].Username)
	}
}

// TestRefusedConnection: no server listening gives an error naming it.
func TestRefusedConnection(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	m := newMailer(t, mail.Config{URL: "smtp://ann:Secret-pw@" + addr, Timeout: 5 * time.Second})
	err = m.Send(context.Background(), fixtures()[0])
	if err == nil {
		t.Fatal("no error without a server")
	}
	for _, want := range []string{addr, "refused", "n-expiry"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "Secret-pw") {
		t.Errorf("the error shows the password: %v", err)
	}
}

// TestSendRefusesBadMessages: a message that cannot be built is an error
// before any connection (no server is needed to see it).
func TestSendRefusesBadMessages(t *testing.T) {
	m := newMailer(t, mail.Config{URL: "smtp://127.0.0.1:1"})
	base := fixtures()[0]
	for name, change := range map[string]func(*app.Message){
		"no Message-ID":    func(m *app.Message) { m.MessageID = "" },
		"header injection": func(m *app.Message) { m.MessageID = "<a@b>\r\nBcc: x@example.org" },
		"no address":       func(m *app.Message) { m.Candidate.Email = "" },
		"bad address":      func(m *app.Message) { m.Candidate.Email = "not an address" },
	} {
		msg := base
		change(&msg)
		err := m.Send(context.Background(), msg)
		if err == nil || strings.Contains(err.Error(), "127.0.0.1:1") {
			t.Errorf("%s: %v; want an error about the message, before connecting", name, err)
		}
	}
}
