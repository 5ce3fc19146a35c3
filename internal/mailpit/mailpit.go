// Package mailpit runs a throwaway Mailpit (https://mailpit.axllent.org/)
// for tests: a real SMTP server whose received messages are read back
// through its REST API. recert's mail is tested against it rather than a
// fake, so that what a test accepts is what an SMTP server accepts.
//
// Start finds the mailpit binary on PATH or in $(go env GOPATH)/bin. When it
// is missing the test skips and says how to install it, except under CI
// (CI=true), where it fails: CI must not pass by skipping every mail test.
package mailpit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Version is the Mailpit release the tests are written against.
const Version = "v1.33.1"

// InstallHint is what a skipped test says.
const InstallHint = "mailpit not found: install it: go install github.com/axllent/mailpit@" + Version

// startTimeout bounds how long Start waits for Mailpit to answer.
const startTimeout = 30 * time.Second

// Server is a running Mailpit.
type Server struct {
	smtpAddr string
	apiURL   string
	opts     options
	client   *http.Client
}

// SMTPAddr is the host:port of the SMTP listener (127.0.0.1).
func (s *Server) SMTPAddr() string { return s.smtpAddr }

// APIURL is the base URL of the web UI and REST API.
func (s *Server) APIURL() string { return s.apiURL }

// Start starts a Mailpit on loopback with free ports and a database of its
// own, waits until it answers, and stops it when the test ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	bin, err := find()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s (CI=true: Mailpit is required)", InstallHint)
		}
		t.Skip(InstallHint)
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	dir := t.TempDir()
	args, err := o.args(dir)
	if err != nil {
		t.Fatalf("mailpit: %v", err)
	}
	// A free port found by listening on :0 can be taken by another process
	// before Mailpit binds it; a few attempts make that harmless.
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		s, err := start(t, bin, dir, args, o)
		if err == nil {
			return s
		}
		lastErr = err
	}
	t.Fatalf("mailpit: %v", lastErr)
	return nil
}

func start(t testing.TB, bin, dir string, extra []string, o options) (*Server, error) {
	smtpPort, err := freePort()
	if err != nil {
		return nil, err
	}
	httpPort, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &Server{
		smtpAddr: net.JoinHostPort("127.0.0.1", strconv.Itoa(smtpPort)),
		apiURL:   "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(httpPort)),
		opts:     o,
		client:   &http.Client{Timeout: 10 * time.Second},
	}
	db := filepath.Join(dir, fmt.Sprintf("mailpit-%d.db", smtpPort))
	args := append([]string{
		"--smtp", s.smtpAddr,
		"--listen", strings.TrimPrefix(s.apiURL, "http://"),
		"--database", db,
		"--disable-version-check",
		"--smtp-disable-rdns",
		"--quiet",
	}, extra...)
	var out bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() {
		_ = cmd.Process.Kill()
		<-exited
	}
	if err := s.waitReady(exited); err != nil {
		stop()
		return nil, fmt.Errorf("%w; output:\n%s", err, out.String())
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() && out.Len() > 0 {
			t.Logf("mailpit output:\n%s", out.String())
		}
	})
	return s, nil
}

// waitReady polls /readyz until Mailpit answers, it exits or time runs out.
func (s *Server) waitReady(exited <-chan error) error {
	deadline := time.Now().Add(startTimeout)
	for {
		select {
		case err := <-exited:
			return fmt.Errorf("mailpit exited before answering: %v", err)
		default:
		}
		if s.ready() {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("mailpit did not answer on %s within %s", s.apiURL, startTimeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *Server) ready() bool {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.apiURL+"/readyz", nil)
	if err != nil {
		return false
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false
	}
	// The HTTP side can be up before SMTP is: check that too.
	c, err := net.DialTimeout("tcp", s.smtpAddr, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// find looks for the binary on PATH, then in $(go env GOPATH)/bin, where
// go install puts it.
func find() (string, error) {
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p, nil
	}
	var dirs []string
	if gobin := os.Getenv("GOBIN"); gobin != "" {
		dirs = append(dirs, gobin)
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		for _, d := range filepath.SplitList(strings.TrimSpace(string(out))) {
			dirs = append(dirs, filepath.Join(d, "bin"))
		}
	}
	for _, d := range dirs {
		p := filepath.Join(d, "mailpit")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", errors.New(InstallHint)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
