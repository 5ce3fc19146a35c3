package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/recert/recert/app"
)

// DefaultTimeout bounds one delivery when Config.Timeout is zero: a
// receiver that hangs must not hold a worker; the job is retried instead.
const DefaultTimeout = 10 * time.Second

// DefaultUserAgent names the sender, so receivers can tell it in their logs.
const DefaultUserAgent = "recert-webhook/1"

// maxResponse is how much of a response body is read before the connection
// is closed: enough for keep-alive on a short answer, never a whole file
// sent by a misbehaving receiver.
const maxResponse = 4 << 10

// Config configures a Poster.
type Config struct {
	Timeout   time.Duration // per delivery; DefaultTimeout when zero
	UserAgent string        // DefaultUserAgent when empty
	// Transport, when set, replaces http.DefaultTransport (tests, proxies,
	// private CAs).
	Transport http.RoundTripper
}

// Poster delivers signed webhooks over HTTP.
type Poster struct {
	client    *http.Client
	userAgent string
}

var _ app.WebhookPoster = (*Poster)(nil)

// NewPoster returns a Poster.
func NewPoster(cfg Config) *Poster {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	return &Poster{
		client: &http.Client{
			Timeout:   cfg.Timeout,
			Transport: cfg.Transport,
			// A redirect is not followed: the endpoint is the URL staff
			// registered, and following one would send a signed message
			// somewhere nobody chose (and re-POSTing is not safe anyway).
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		userAgent: cfg.UserAgent,
	}
}

// Post sends body to endpoint, signed with secret. It returns the HTTP
// status (0 when no response came) and an error naming the status unless it
// is 2xx; a redirect is a failure with its 3xx status.
func (p *Poster) Post(ctx context.Context, endpoint, secret, id string, at time.Time, body []byte) (int, error) {
	sig, err := Sign(secret, id, at, body)
	if err != nil {
		return 0, fmt.Errorf("webhook %s: %w", id, err)
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return 0, fmt.Errorf("webhook %s: endpoint %q is not an http(s) URL", id, redact(endpoint))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("webhook %s: request to %s: %w", id, u.Redacted(), err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", p.userAgent)
	req.Header.Set(HeaderID, id)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(at.Unix(), 10))
	req.Header.Set(HeaderSignature, sig)
	resp, err := p.client.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // the URL is named once, below
		}
		return 0, fmt.Errorf("webhook %s: POST %s: %w", id, u.Redacted(), err)
	}
	// Read a little (so a short answer lets the connection be reused), then
	// close: what a receiver says beyond its status is not recert's concern.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponse))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		msg := fmt.Sprintf("webhook %s: POST %s: status %d %s", id, u.Redacted(), resp.StatusCode, http.StatusText(resp.StatusCode))
		if loc := resp.Header.Get("Location"); loc != "" && resp.StatusCode >= 300 && resp.StatusCode < 400 {
			msg += " (redirect to " + redact(loc) + " not followed)"
		}
		return resp.StatusCode, errors.New(msg)
	}
	return resp.StatusCode, nil
}

// redact hides a password in a URL that may be logged.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
