package httpapi

import (
	"context"
	"io"
	"sync"
)

// bodyBudget bounds the bytes held by request bodies across all requests
// at once. Each body's size is bounded already (maxJSONBody,
// maxProgramBody), but not their number: 500 clients each sending 1 MiB
// slowly would make the server hold 500 MiB, and 1 GiB with Go's buffer
// doubling. So a request reserves, before it reads a byte, what its body
// may take (its Content-Length, or the route's limit when the length is
// not declared) and gives it back when the handler returns.
//
// When the budget is spent the request is answered at once, its body
// unread: 429 Too Many Requests with Retry-After, as a problem. It is the
// client that sends, and the client that waits and retries (as it would
// after a 503, which is reserved here for the server's own failures: a
// load balancer counts 5xx against the server). Waiting for budget
// instead would let stalled uploads hold every other request hostage.
type bodyBudget struct {
	mu    sync.Mutex
	total int64
	used  int64
	// acquired, when set (by tests), receives the size of each
	// reservation made, so a test can wait for one without sleeping.
	acquired chan int64
}

func newBodyBudget(total int64) *bodyBudget { return &bodyBudget{total: total} }

// take reserves n bytes, or reports false and reserves nothing.
func (b *bodyBudget) take(n int64) bool {
	b.mu.Lock()
	ok := b.used+n <= b.total
	if ok {
		b.used += n
	}
	b.mu.Unlock()
	if ok && b.acquired != nil {
		b.acquired <- n
	}
	return ok
}

func (b *bodyBudget) give(n int64) {
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
}

// inUse is the bytes reserved now, for tests.
func (b *bodyBudget) inUse() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}

// reservations are what one request has taken from the budget; wrap
// returns them when the handler is done with the body.
type reservations struct {
	budget *bodyBudget
	n      int64
}

type reservationsKey struct{}

func withReservations(ctx context.Context, b *bodyBudget) (context.Context, *reservations) {
	rs := &reservations{budget: b}
	return context.WithValue(ctx, reservationsKey{}, rs), rs
}

func (rs *reservations) release() {
	if rs.n > 0 {
		rs.budget.give(rs.n)
		rs.n = 0
	}
}

// reserve takes n bytes for the request in ctx. A context without
// reservations (a handler called outside wrap) is not limited.
func reserve(ctx context.Context, n int64) bool {
	rs, _ := ctx.Value(reservationsKey{}).(*reservations)
	if rs == nil {
		return true
	}
	if !rs.budget.take(n) {
		return false
	}
	rs.n += n
	return true
}

// readAtMost reads r to its end into a buffer that never grows past
// limit+1 bytes, so that what a body holds is what was reserved for it
// (io.ReadAll doubles its buffer and could hold twice as much). It
// reports whether the body was longer than limit.
func readAtMost(r io.Reader, limit int64) ([]byte, bool, error) {
	buf := make([]byte, 0, min(limit+1, 32<<10))
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) > limit {
				return nil, true, nil
			}
			grown := make([]byte, len(buf), min(int64(cap(buf))*2, limit+1))
			copy(grown, buf)
			buf = grown
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, true, nil
		}
		if err == io.EOF {
			return buf, false, nil
		}
		if err != nil {
			return nil, false, err
		}
	}
}
