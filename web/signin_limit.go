package web

import (
	"time"

	"github.com/recert/recert/internal/ratelimit"
)

// Sign-in requests a client address may make: the per-address limit (app)
// stops one inbox being flooded, this one stops one client asking for
// links to many addresses (to learn nothing, since every answer is the
// same, but to make the worker mail strangers). A burst of 20, then one
// more every 30 seconds, kept in this process's memory with the API's
// limiter (an IPv6 subscriber's /64 is one client).
const (
	signInPerClient      = 20
	signInPerClientEvery = 30 * time.Second
	maxSignInClients     = 10_000
)

func newSignInLimit(now func() time.Time) *ratelimit.Limiter {
	return ratelimit.New(now, signInPerClient, signInPerClientEvery, maxSignInClients)
}
