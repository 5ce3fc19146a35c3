package webhook_test

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/recert/recert/notify/webhook"
)

// The test vector of the Standard Webhooks reference libraries
// (standard-webhooks/standard-webhooks, libraries/go/webhook_test.go,
// TestWebhookSign; the same values are in the other languages' tests).
const (
	vectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorTS     = 1614265330
	vectorBody   = `{"test": 2432232314}`
	vectorSig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestSignVector(t *testing.T) {
	got, err := webhook.Sign(vectorSecret, vectorID, time.Unix(vectorTS, 0), []byte(vectorBody))
	if err != nil {
		t.Fatal(err)
	}
	if got != vectorSig {
		t.Errorf("Sign = %s, want the specification's %s", got, vectorSig)
	}
	// The reference libraries accept the key without its prefix too.
	got, err = webhook.Sign(strings.TrimPrefix(vectorSecret, "whsec_"), vectorID, time.Unix(vectorTS, 0), []byte(vectorBody))
	if err != nil || got != vectorSig {
		t.Errorf("without the prefix: %s, %v", got, err)
	}
}

func vectorHeader() http.Header {
	h := http.Header{}
	h.Set(webhook.HeaderID, vectorID)
	h.Set(webhook.HeaderTimestamp, strconv.Itoa(vectorTS))
	h.Set(webhook.HeaderSignature, vectorSig)
	return h
}

func TestVerify(t *testing.T) {
	now := time.Unix(vectorTS, 0)
	tol := 5 * time.Minute
	tests := []struct {
		name   string
		change func(h http.Header, body *string, now *time.Time)
		want   error // nil: valid
	}{
		{"the vector", nil, nil},
		{"within tolerance, late", func(_ http.Header, _ *string, n *time.Time) { *n = n.Add(tol) }, nil},
		{"within tolerance, early", func(_ http.Header, _ *string, n *time.Time) { *n = n.Add(-tol) }, nil},
		{"one of several signatures", func(h http.Header, _ *string, _ *time.Time) {
			h.Set(webhook.HeaderSignature, "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v1a,xyz "+vectorSig)
		}, nil},
		{"tampered body", func(_ http.Header, b *string, _ *time.Time) { *b = `{"test": 2432232315}` }, webhook.ErrSignature},
		{"tampered id", func(h http.Header, _ *string, _ *time.Time) { h.Set(webhook.HeaderID, vectorID+"x") }, webhook.ErrSignature},
		{"tampered timestamp", func(h http.Header, _ *string, _ *time.Time) {
			h.Set(webhook.HeaderTimestamp, strconv.Itoa(vectorTS+1))
		}, webhook.ErrSignature},
		{"too old", func(_ http.Header, _ *string, n *time.Time) { *n = n.Add(tol + time.Second) }, webhook.ErrTimestamp},
		{"from the future", func(_ http.Header, _ *string, n *time.Time) { *n = n.Add(-tol - time.Second) }, webhook.ErrTimestamp},
		{"timestamp not a number", func(h http.Header, _ *string, _ *time.Time) { h.Set(webhook.HeaderTimestamp, "soon") }, webhook.ErrTimestamp},
		{"huge timestamp", func(h http.Header, _ *string, _ *time.Time) {
			h.Set(webhook.HeaderTimestamp, "9223372036854775807")
		}, webhook.ErrTimestamp},
		{"v2 only", func(h http.Header, _ *string, _ *time.Time) {
			h.Set(webhook.HeaderSignature, "v2,"+strings.TrimPrefix(vectorSig, "v1,"))
		}, webhook.ErrSignature},
		{"no id", func(h http.Header, _ *string, _ *time.Time) { h.Del(webhook.HeaderID) }, webhook.ErrMissingHeader},
		{"no timestamp", func(h http.Header, _ *string, _ *time.Time) { h.Del(webhook.HeaderTimestamp) }, webhook.ErrMissingHeader},
		{"no signature", func(h http.Header, _ *string, _ *time.Time) { h.Del(webhook.HeaderSignature) }, webhook.ErrMissingHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, body, at := vectorHeader(), vectorBody, now
			if tt.change != nil {
				tt.change(h, &body, &at)
			}
			err := webhook.Verify(vectorSecret, h, []byte(body), at, tol)
			if tt.want == nil && err != nil {
				t.Errorf("refused: %v", err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestVerifyWrongSecret(t *testing.T) {
	other, err := webhook.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	err = webhook.Verify(other, vectorHeader(), []byte(vectorBody), time.Unix(vectorTS, 0), time.Minute)
	if !errors.Is(err, webhook.ErrSignature) {
		t.Errorf("another secret: %v", err)
	}
	for _, bad := range []string{"whsec_", "whsec_not base64!"} {
		if err := webhook.Verify(bad, vectorHeader(), []byte(vectorBody), time.Unix(vectorTS, 0), time.Minute); !errors.Is(err, webhook.ErrSecret) {
			t.Errorf("secret %q: %v", bad, err)
		}
		if _, err := webhook.Sign(bad, vectorID, time.Unix(vectorTS, 0), nil); !errors.Is(err, webhook.ErrSecret) {
			t.Errorf("Sign with secret %q: %v", bad, err)
		}
	}
}

func TestNewSecret(t *testing.T) {
	a, err := webhook.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := webhook.NewSecret()
	if a == b {
		t.Error("two secrets are equal")
	}
	// whsec_ + base64 of 24 bytes (32 characters).
	if !strings.HasPrefix(a, "whsec_") || len(a) != len("whsec_")+32 {
		t.Errorf("secret %q", a)
	}
	sig, err := webhook.Sign(a, "msg_1", time.Unix(100, 0), []byte("{}"))
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set(webhook.HeaderID, "msg_1")
	h.Set(webhook.HeaderTimestamp, "100")
	h.Set(webhook.HeaderSignature, sig)
	if err := webhook.Verify(a, h, []byte("{}"), time.Unix(100, 0), time.Minute); err != nil {
		t.Errorf("a new secret's signature: %v", err)
	}
}

// FuzzVerify: no header or body makes Verify panic, and nothing but the
// right signature passes.
func FuzzVerify(f *testing.F) {
	f.Add(vectorID, strconv.Itoa(vectorTS), vectorSig, []byte(vectorBody))
	f.Add("", "", "", []byte(nil))
	f.Add("x", "-9223372036854775808", "v1, v1,,, ,v1", []byte("{"))
	f.Add(vectorID, "1614265330", "v1,"+strings.Repeat("A", 1000), []byte(vectorBody))
	f.Fuzz(func(t *testing.T, id, ts, sig string, body []byte) {
		h := http.Header{}
		h.Set(webhook.HeaderID, id)
		h.Set(webhook.HeaderTimestamp, ts)
		h.Set(webhook.HeaderSignature, sig)
		err := webhook.Verify(vectorSecret, h, body, time.Unix(vectorTS, 0), 5*time.Minute)
		if err == nil {
			// Passing means one of the signatures is the right one.
			n, _ := strconv.ParseInt(ts, 10, 64)
			want, _ := webhook.Sign(vectorSecret, id, time.Unix(n, 0), body)
			if !strings.Contains(sig, strings.TrimPrefix(want, "v1,")) {
				t.Errorf("accepted %q for id %q ts %q body %q", sig, id, ts, body)
			}
		}
	})
}
