package web

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// Sign-in requests a client address may make: the per-address limit (app)
// stops one inbox being flooded, this one stops one client asking for
// links to many addresses (to learn nothing, since every answer is the
// same, but to make the worker mail strangers). Kept in this process's
// memory, like the API's limit on failed tokens.
const (
	signInPerClient      = 20
	signInPerClientEvery = 10 * time.Minute
)

// maxSignInClients bounds the table; when full it is cleared.
const maxSignInClients = 10_000

// clientLimit counts each client address's requests in fixed windows.
type clientLimit struct {
	mu      sync.Mutex
	now     func() time.Time
	windows map[string]clientWindow
}

type clientWindow struct {
	start time.Time
	n     int
}

// allow says whether r's client may make one more request now, and if
// not, how long until it may.
func (l *clientLimit) allow(r *http.Request) (bool, time.Duration) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.windows == nil || len(l.windows) >= maxSignInClients {
		l.windows = map[string]clientWindow{}
	}
	w := l.windows[host]
	if now.Sub(w.start) >= signInPerClientEvery {
		w = clientWindow{start: now}
	}
	if w.n >= signInPerClient {
		return false, w.start.Add(signInPerClientEvery).Sub(now)
	}
	w.n++
	l.windows[host] = w
	return true, 0
}
