package resolve

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Fetch bounds: a DID document or a status list of recert's is a few
// kilobytes (a 131,072-entry list compresses to at most ~22 KB of text).
const (
	DefaultMaxBytes = 1 << 20
	DefaultTimeout  = 10 * time.Second
	maxRedirects    = 3
)

// Fetcher gets the public documents a verifier needs, bounded: at most
// MaxBytes, within Timeout, over https (http only to a loopback host), and
// following a redirect only to the same host, so a credential cannot send
// the verifier anywhere its URL did not name.
type Fetcher struct {
	MaxBytes int64         // 0: DefaultMaxBytes
	Timeout  time.Duration // 0: DefaultTimeout
	// Transport, when set, carries the requests (tests).
	Transport http.RoundTripper
}

// Fetched is a document as it came, and how long its publisher said it
// may be cached (Cache-Control max-age; 0 when it said nothing).
type Fetched struct {
	URL    string
	Body   []byte
	MaxAge time.Duration
}

// CheckURL refuses a URL a verifier should not fetch: anything but https,
// or plain http to a host other than this machine's.
func CheckURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("resolve: %q is not a URL: %w", raw, err)
	}
	if u.Host == "" || u.User != nil {
		return nil, fmt.Errorf("resolve: %q: want an absolute URL with a host and no user", raw)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && Loopback(u.Hostname()):
	case u.Scheme == "http":
		return nil, fmt.Errorf("resolve: %q: plain http is allowed only for localhost, 127.0.0.1 and ::1; want https", raw)
	default:
		return nil, fmt.Errorf("resolve: %q: scheme %q; want https", raw, u.Scheme)
	}
	return u, nil
}

// Get fetches raw.
func (f *Fetcher) Get(ctx context.Context, raw string) (Fetched, error) {
	u, err := CheckURL(raw)
	if err != nil {
		return Fetched{}, err
	}
	limit, timeout := f.MaxBytes, f.Timeout
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	client := &http.Client{Timeout: timeout, Transport: f.Transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return fmt.Errorf("more than %d redirects", maxRedirects)
			}
			if req.URL.Host != u.Host || req.URL.Scheme != u.Scheme {
				return fmt.Errorf("a redirect to %s, another host than %s", req.URL.Redacted(), u.Host)
			}
			return nil
		}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Fetched{}, fmt.Errorf("resolve: GET %s: %w", raw, err)
	}
	req.Header.Set("Accept", "application/did+json, application/vc, application/json;q=0.9")
	resp, err := client.Do(req)
	if err != nil {
		return Fetched{}, fmt.Errorf("resolve: GET %s: %w", raw, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Fetched{}, fmt.Errorf("resolve: GET %s: %s", raw, resp.Status)
	}
	if resp.ContentLength > limit {
		return Fetched{}, fmt.Errorf("resolve: GET %s: %d bytes, more than the %d allowed", raw, resp.ContentLength, limit)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return Fetched{}, fmt.Errorf("resolve: GET %s: %w", raw, err)
	}
	if int64(len(body)) > limit {
		return Fetched{}, fmt.Errorf("resolve: GET %s: more than the %d bytes allowed", raw, limit)
	}
	return Fetched{URL: raw, Body: body, MaxAge: maxAge(resp.Header.Get("Cache-Control"))}, nil
}

// maxAge reads Cache-Control's max-age; no-store and no-cache mean 0.
func maxAge(cc string) time.Duration {
	var age time.Duration
	for _, d := range strings.Split(cc, ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), "=")
		switch strings.ToLower(name) {
		case "no-store", "no-cache":
			return 0
		case "max-age":
			if n, err := strconv.ParseInt(strings.Trim(value, `"`), 10, 64); err == nil && n > 0 && n < 1<<31 {
				age = time.Duration(n) * time.Second
			}
		}
	}
	return age
}
