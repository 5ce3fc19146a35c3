package mailpit

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// Address is a mailbox as Mailpit reports it.
type Address struct {
	Name    string
	Address string
}

// Summary is one message in Mailpit's list.
type Summary struct {
	ID        string // Mailpit's own id, for Message
	MessageID string // the Message-ID header, without <>
	From      *Address
	To        []Address
	Subject   string
	Username  string // who authenticated to send it; "" without AUTH
	Snippet   string
	Created   time.Time
}

// Message is one message in full.
type Message struct {
	ID        string
	MessageID string
	From      *Address
	To        []Address
	Subject   string
	Date      time.Time
	Username  string
	Text      string
	HTML      string
	// Headers are the raw headers, as Mailpit's headers endpoint gives
	// them (keys as written in the message).
	Headers map[string][]string `json:"-"`
}

// Header returns the first value of a header, "" when absent.
func (m Message) Header(name string) string {
	for k, v := range m.Headers {
		if http.CanonicalHeaderKey(k) == http.CanonicalHeaderKey(name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// pageSize is how many summaries one request asks for (a variable so the
// test of paging can make it small).
var pageSize = 100

// Messages lists every message, newest first, reading all pages.
func (s *Server) Messages(t testing.TB) []Summary {
	t.Helper()
	var all []Summary
	for start := 0; ; {
		var page struct {
			Total    int       `json:"total"`
			Messages []Summary `json:"messages"`
		}
		s.get(t, fmt.Sprintf("/api/v1/messages?start=%d&limit=%d", start, pageSize), &page)
		all = append(all, page.Messages...)
		start += len(page.Messages)
		if len(page.Messages) == 0 || start >= page.Total {
			return all
		}
	}
}

// Message reads one message with its parts and headers.
func (s *Server) Message(t testing.TB, id string) Message {
	t.Helper()
	var m Message
	s.get(t, "/api/v1/message/"+url.PathEscape(id), &m)
	s.get(t, "/api/v1/message/"+url.PathEscape(id)+"/headers", &m.Headers)
	return m
}

// WaitFor polls until Mailpit holds at least n messages and returns them;
// it fails the test when timeout passes first. Delivery is synchronous for
// the SMTP client, but Mailpit stores a message after answering.
func (s *Server) WaitFor(t testing.TB, n int, timeout time.Duration) []Summary {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		msgs := s.Messages(t)
		if len(msgs) >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailpit: %d messages after %s, want %d", len(msgs), timeout, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// DeleteAll empties the mailbox.
func (s *Server) DeleteAll(t testing.TB) {
	t.Helper()
	s.do(t, http.MethodDelete, "/api/v1/messages", nil)
}

func (s *Server) get(t testing.TB, path string, into any) {
	t.Helper()
	body := s.do(t, http.MethodGet, path, nil)
	if err := json.Unmarshal(body, into); err != nil {
		t.Fatalf("mailpit: GET %s: decode: %v", path, err)
	}
}

func (s *Server) do(t testing.TB, method, path string, body io.Reader) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, s.apiURL+path, body)
	if err != nil {
		t.Fatalf("mailpit: %s %s: %v", method, path, err)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("mailpit: %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("mailpit: %s %s: read: %v", method, path, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("mailpit: %s %s: status %d: %s", method, path, resp.StatusCode, data)
	}
	return data
}
