// Package ratelimit is a token bucket per client address, shared by the
// JSON API (failed authentications) and the pages (sign-in requests): one
// notion of "a client" (an IPv6 subscriber's /64), one bound on memory.
package ratelimit

import (
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"
)

// Limiter limits something per client address with a token bucket (the
// API: failed authentications): each occurrence takes one from the
// address's bucket, which refills at one per `every` up to
// `burst`. An address whose bucket is empty is answered 429 with
// Retry-After before its token is even looked up, so guessing secrets
// costs time however many connections the guesser opens; a correct token
// from another address is unaffected. The addresses behind one NAT share
// a bucket: an office where someone guesses waits with them.
//
// Memory is bounded: at most maxClients buckets are kept. When the table
// is full, buckets that have refilled (their address has not failed for
// burst*every) are dropped, and if none has, an arbitrary one is: a
// guesser with many addresses can then reset a bucket early, but cannot
// make the server hold more.
type Limiter struct {
	mu         sync.Mutex
	now        func() time.Time
	burst      float64
	every      time.Duration
	maxClients int
	buckets    map[netip.Prefix]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time // when tokens was computed
}

// New is a limiter of burst occurrences per address, refilled one per
// every, holding at most maxClients buckets.
func New(now func() time.Time, burst int, every time.Duration, maxClients int) *Limiter {
	return &Limiter{now: now, burst: float64(burst), every: every, maxClients: maxClients,
		buckets: make(map[netip.Prefix]*bucket)}
}

// ClientOf is the bucket's key for a request: the remote IP, and for IPv6
// its /64, since one subscriber is commonly given a whole /64. A
// RemoteAddr that does not parse (not from a TCP listener) is one client.
func ClientOf(r *http.Request) netip.Prefix {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Prefix{}
	}
	ip = ip.Unmap()
	bits := 32
	if ip.Is6() {
		bits = 64
	}
	p, _ := ip.Prefix(bits)
	return p
}

// refill brings b up to date; callers hold mu.
func (l *Limiter) refill(b *bucket, now time.Time) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = math.Min(l.burst, b.tokens+float64(d)/float64(l.every))
	}
	b.at = now
}

// Wait is how long the client must wait before its next attempt, zero
// when it may try now.
func (l *Limiter) Wait(c netip.Prefix) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[c]
	if !ok {
		return 0
	}
	now := l.now()
	l.refill(b, now)
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) * float64(l.every))
}

// Take takes a token from the client's bucket.
func (l *Limiter) Take(c netip.Prefix) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[c]
	if !ok {
		if len(l.buckets) >= l.maxClients {
			l.evict(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[c] = b
	}
	l.refill(b, now)
	b.tokens = math.Max(0, b.tokens-1)
}

// evict makes room for one bucket; callers hold mu.
func (l *Limiter) evict(now time.Time) {
	for c, b := range l.buckets {
		if l.refill(b, now); b.tokens >= l.burst {
			delete(l.buckets, c)
		}
	}
	for c := range l.buckets {
		if len(l.buckets) < l.maxClients {
			return
		}
		delete(l.buckets, c)
	}
}

// Size is how many clients are tracked, for tests.
func (l *Limiter) Size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// RetryAfter is a Retry-After value in whole seconds, at least 1
// (RFC 9110 10.2.3: delay-seconds).
func RetryAfter(d time.Duration) string {
	return strconv.FormatInt(max(1, int64(math.Ceil(d.Seconds()))), 10)
}
