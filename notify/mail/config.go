package mail

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config configures a Mailer.
type Config struct {
	// URL is the SMTP server:
	//
	//	smtp://host:port                    STARTTLS when the server offers it
	//	smtp://host:port?starttls=required  STARTTLS or no mail
	//	smtp://host:port?starttls=none      never STARTTLS
	//	smtps://host:port                   TLS from the first byte
	//
	// The port defaults to 25 for smtp and 465 for smtps. user:password in
	// the URL (percent-encoded) turns on SMTP AUTH with the best mechanism
	// the server offers. Credentials are only sent over TLS, except to a
	// loopback host: with credentials, smtp:// to another host requires
	// STARTTLS, and starttls=none is refused.
	URL string
	// From is the sender: an address, with an optional display name
	// ("recert <noreply@example.org>").
	From string
	// Timeout bounds connecting and each SMTP exchange; DefaultTimeout
	// when zero.
	Timeout time.Duration
	// RootCAs, when set, are the CAs the server's certificate must chain to
	// instead of the system's (tests, private CAs).
	RootCAs *x509.CertPool
	// Now is the clock for the Date header; time.Now when nil, so a test
	// that injects the clock sees its own dates.
	Now func() time.Time
}

// DefaultTimeout bounds an SMTP conversation when Config.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// tlsMode is how the connection is protected.
type tlsMode int

const (
	tlsOpportunistic tlsMode = iota // STARTTLS if offered
	tlsRequired                     // STARTTLS or fail
	tlsNone                         // plain text
	tlsImplicit                     // smtps
)

func (m tlsMode) String() string {
	return [...]string{"opportunistic STARTTLS", "required STARTTLS", "no TLS", "implicit TLS"}[m]
}

// server is a parsed Config.URL.
type server struct {
	host     string
	port     int
	mode     tlsMode
	user     string
	password string
	auth     bool
}

// addr is host:port, for errors and logs: never the credentials.
func (s server) addr() string { return net.JoinHostPort(s.host, strconv.Itoa(s.port)) }

// errURL prefixes every URL error; the URL itself is not repeated, since
// it may hold a password.
var errURL = errors.New("mail: SMTP URL")

// parseServer reads an SMTP URL. Its errors say which part is wrong and
// never contain the password.
func parseServer(raw string) (server, error) {
	if strings.TrimSpace(raw) == "" {
		return server{}, fmt.Errorf("%w is empty (want smtp://host:port or smtps://host:port)", errURL)
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error quotes the whole URL, password included: say less.
		return server{}, fmt.Errorf("%w does not parse (want smtp://[user:password@]host:port[?starttls=required|none])", errURL)
	}
	var s server
	switch strings.ToLower(u.Scheme) {
	case "smtp":
		s.port = 25
	case "smtps":
		s.port, s.mode = 465, tlsImplicit
	case "":
		return server{}, fmt.Errorf("%w has no scheme: want smtp:// or smtps://", errURL)
	default:
		return server{}, fmt.Errorf("%w: scheme %q is not smtp or smtps", errURL, u.Scheme)
	}
	if u.Opaque != "" {
		return server{}, fmt.Errorf("%w: want %s://host:port, with the two slashes", errURL, u.Scheme)
	}
	s.host = u.Hostname()
	if s.host == "" {
		return server{}, fmt.Errorf("%w has no host", errURL)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return server{}, fmt.Errorf("%w: port %q is not a number from 1 to 65535", errURL, p)
		}
		s.port = n
	} else if strings.HasSuffix(u.Host, ":") {
		return server{}, fmt.Errorf("%w: empty port after the host", errURL)
	}
	if u.Path != "" && u.Path != "/" {
		return server{}, fmt.Errorf("%w: unexpected path %q", errURL, u.Path)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return server{}, fmt.Errorf("%w: query does not parse", errURL)
	}
	for k, v := range q {
		if k != "starttls" {
			return server{}, fmt.Errorf("%w: unknown parameter %q (only starttls)", errURL, k)
		}
		if len(v) != 1 {
			return server{}, fmt.Errorf("%w: starttls given %d times", errURL, len(v))
		}
		if s.mode == tlsImplicit {
			return server{}, fmt.Errorf("%w: starttls does not apply to smtps (TLS from the start)", errURL)
		}
		switch v[0] {
		case "required":
			s.mode = tlsRequired
		case "none":
			s.mode = tlsNone
		case "opportunistic", "":
			s.mode = tlsOpportunistic
		default:
			return server{}, fmt.Errorf("%w: starttls=%q is not required, none or opportunistic", errURL, v[0])
		}
	}
	if u.User != nil {
		s.auth = true
		s.user = u.User.Username()
		s.password, _ = u.User.Password()
		if s.user == "" {
			return server{}, fmt.Errorf("%w: credentials with an empty user name", errURL)
		}
		if !loopback(s.host) {
			switch s.mode {
			case tlsNone:
				return server{}, fmt.Errorf("%w: credentials with starttls=none to %s would be sent in clear text (only a loopback host may)", errURL, s.host)
			case tlsOpportunistic:
				// A server (or an attacker in between) not offering
				// STARTTLS must not get the password: require it.
				s.mode = tlsRequired
			}
		}
	}
	return s, nil
}

// loopback reports whether host is this machine: the one place credentials
// may travel without TLS (a local relay or Mailpit).
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// parseFrom reads the sender address.
func parseFrom(from string) (*mail.Address, error) {
	if strings.TrimSpace(from) == "" {
		return nil, errors.New("mail: no sender address (From)")
	}
	a, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("mail: sender %q is not an address: %w", from, err)
	}
	return a, nil
}
