// Package mail sends notifications as e-mail over SMTP (wneessen/go-mail):
// a multipart/alternative message, plain text and HTML rendered from the
// embedded templates, carrying the engine's explanation and the facts of
// the notice, with the stable Message-ID app derives from the notice's
// identity so that a receiving system can recognise a duplicate.
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/recert/recert/app"
)

// HeaderNotification carries the notification's id, so that a bounce or a
// reply can be traced back to the record.
const HeaderNotification = "X-Recert-Notification"

// Mailer sends messages through one SMTP server.
type Mailer struct {
	srv     server
	from    *mail.Address
	timeout time.Duration
	tls     *tls.Config
	now     func() time.Time
}

var _ app.Mailer = (*Mailer)(nil)

// New checks cfg and returns a Mailer. It does not connect: the server may
// be down at start-up, and each Send connects anew.
func New(cfg Config) (*Mailer, error) {
	srv, err := parseServer(cfg.URL)
	if err != nil {
		return nil, err
	}
	from, err := parseFrom(cfg.From)
	if err != nil {
		return nil, err
	}
	m := &Mailer{srv: srv, from: from, timeout: cfg.Timeout, now: cfg.Now}
	if m.timeout <= 0 {
		m.timeout = DefaultTimeout
	}
	if m.now == nil {
		m.now = time.Now
	}
	m.tls = &tls.Config{ServerName: srv.host, RootCAs: cfg.RootCAs, MinVersion: tls.VersionTLS12}
	if _, _, err := Render(app.Message{}); err != nil {
		return nil, err // the embedded templates are broken: fail at start
	}
	return m, nil
}

// Send renders m and hands it to the SMTP server. An error means the server
// did not accept it (or it could not be built); it names the server, never
// the password.
func (s *Mailer) Send(ctx context.Context, m app.Message) error {
	msg, err := s.build(m)
	if err != nil {
		return fmt.Errorf("mail: notification %s: %w", m.ID, err)
	}
	c, err := s.client()
	if err != nil {
		return fmt.Errorf("mail: notification %s: SMTP client for %s: %w", m.ID, s.srv.addr(), err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: notification %s: SMTP server %s (%s): %w", m.ID, s.srv.addr(), s.srv.mode, err)
	}
	return nil
}

// build makes the message, without sending it.
func (s *Mailer) build(m app.Message) (*gomail.Msg, error) {
	id, err := messageID(m.MessageID)
	if err != nil {
		return nil, err
	}
	if m.Candidate.Email == "" {
		return nil, errors.New("the candidate has no e-mail address")
	}
	text, html, err := Render(m)
	if err != nil {
		return nil, err
	}
	msg := gomail.NewMsg()
	msg.FromMailAddress(s.from)
	if err := msg.AddToFormat(oneLine(m.Candidate.Name), m.Candidate.Email); err != nil {
		return nil, fmt.Errorf("recipient: %w", err)
	}
	msg.Subject(oneLine(m.Title))
	msg.SetMessageIDWithValue(id) // go-mail adds the <>
	msg.SetDateWithValue(s.now())
	msg.SetGenHeader(gomail.Header(HeaderNotification), oneLine(m.ID))
	msg.SetBodyString(gomail.TypeTextPlain, text)
	msg.AddAlternativeString(gomail.TypeTextHTML, html)
	return msg, nil
}

// messageID checks a Message-ID and returns it without its angle brackets.
// RFC 5322 wants <left@right>; app's ids may come with or without the
// brackets. A malformed one is refused rather than repaired: it is the
// identity that makes a duplicate recognisable.
func messageID(id string) (string, error) {
	if strings.HasPrefix(id, "<") != strings.HasSuffix(id, ">") {
		return "", fmt.Errorf("Message-ID %q has unbalanced angle brackets", id)
	}
	raw := strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
	left, right, ok := strings.Cut(raw, "@")
	if !ok || left == "" || right == "" || strings.Contains(right, "@") {
		return "", fmt.Errorf("Message-ID %q is not of the form left@right", id)
	}
	for _, r := range raw {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`<>()[]\,;:"`, r) {
			return "", fmt.Errorf("Message-ID %q has a character RFC 5322 does not allow there (%q)", id, r)
		}
	}
	return raw, nil
}

// client is a go-mail client for one Send: it holds no connection between
// sends, so Mailer is safe for concurrent use and survives server restarts.
func (s *Mailer) client() (*gomail.Client, error) {
	opts := []gomail.Option{
		gomail.WithPort(s.srv.port),
		gomail.WithTimeout(s.timeout),
		gomail.WithTLSConfig(s.tls),
	}
	switch s.srv.mode {
	case tlsImplicit:
		opts = append(opts, gomail.WithSSL())
	case tlsRequired:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case tlsNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if s.srv.auth {
		opts = append(opts, gomail.WithUsername(s.srv.user), gomail.WithPassword(s.srv.password))
		if s.srv.mode != tlsImplicit && s.srv.mode != tlsRequired {
			// Only a loopback host gets here (parseServer requires TLS for
			// credentials elsewhere): PLAIN and LOGIN without TLS are
			// allowed to a local relay or Mailpit, which go-mail's
			// discovery would refuse.
			opts = append(opts, gomail.WithOpportunisticSMTPAuth(
				gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1, gomail.SMTPAuthCramMD5,
				gomail.SMTPAuthPlainNoEnc, gomail.SMTPAuthLoginNoEnc))
		} else {
			// The connection is TLS: go-mail picks the strongest mechanism
			// the server offers.
			opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover))
		}
	}
	return gomail.NewClient(s.srv.host, opts...)
}
