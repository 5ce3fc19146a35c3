package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// debianBinGlob is where Debian's postgresql packages put the server
// binaries; only wrappers (pg_ctlcluster, psql) are on PATH there.
const debianBinGlob = "/usr/lib/postgresql/*/bin"

// dirPrefix names the temporary directories of servers started here, so
// that removeStale can find those of test binaries that were killed.
const dirPrefix = "recert-pgtest-"

// ownerFile, in a server's directory, holds the pid of the test binary
// that started it.
const ownerFile = "owner.pid"

// process is a postgres server started by start.
type process struct {
	dir     string // temporary directory: data/, the socket, postgres.log
	cmd     *exec.Cmd
	done    chan struct{} // closed when cmd has exited
	waitErr error         // cmd.Wait's answer, once done is closed
	log     *os.File
}

// start creates a cluster in a new temporary directory and runs a server
// on it that listens only on a Unix socket in that directory. Unless
// durable, durability is off (fsync, full-page writes, synchronous
// commit): a crash loses nothing a test cares about, and every commit is
// faster. Durable, the server keeps PostgreSQL's defaults for all three,
// and they are set explicitly so that a changed default cannot turn them
// off.
func start(ctx context.Context, durable bool) (*Instance, error) {
	bin, err := findBinaries()
	if err != nil {
		return nil, err
	}
	cred, err := serverCredential()
	if err != nil {
		return nil, err
	}
	base := tempBase(cred != nil)
	removeStale(base)
	dir, err := os.MkdirTemp(base, dirPrefix)
	if err != nil {
		return nil, fmt.Errorf("temporary directory: %w", err)
	}
	p := &process{dir: dir, done: make(chan struct{})}
	fail := func(err error) (*Instance, error) {
		_ = p.stop() // the error being returned matters more
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return fail(fmt.Errorf("owner file: %w", err))
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return fail(fmt.Errorf("give %s to the postgres user: %w", dir, err))
		}
	}
	data := filepath.Join(dir, "data")
	// --locale=C keeps the cluster independent of the machine's locales
	// (a missing one makes initdb fail) and sorts text bytewise.
	// --no-sync only skips flushing the new, empty cluster; the durable
	// server's commits are flushed all the same.
	initdb := exec.CommandContext(ctx, filepath.Join(bin, "initdb"),
		"-D", data, "-A", "trust", "-U", "postgres", "--no-sync",
		"-E", "UTF8", "--locale=C")
	initdb.Dir = dir // the postgres user may not be able to read the test's directory
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		return fail(fmt.Errorf("initdb: %w\n%s", err, out))
	}

	p.log, err = os.Create(filepath.Join(dir, "postgres.log"))
	if err != nil {
		return fail(fmt.Errorf("server log: %w", err))
	}
	// postgres runs directly rather than through pg_ctl so that it is our
	// child: Pdeathsig shuts it down (SIGQUIT is an immediate shutdown)
	// if the test binary dies without running Main's cleanup, for
	// instance on a test timeout.
	onOff := "off"
	if durable {
		onOff = "on"
	}
	p.cmd = exec.Command(filepath.Join(bin, "postgres"),
		"-D", data,
		"-c", "listen_addresses=",
		"-c", "unix_socket_directories="+dir,
		"-c", "fsync="+onOff,
		"-c", "full_page_writes="+onOff,
		"-c", "synchronous_commit="+onOff,
		"-c", "max_connections=200",
	)
	p.cmd.Dir = dir
	p.cmd.Stdout = p.log
	p.cmd.Stderr = p.log
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT}
	if err := p.cmd.Start(); err != nil {
		return fail(fmt.Errorf("start postgres: %w", err))
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.done)
	}()
	s := &Instance{SocketDir: dir, proc: p}
	if err := s.waitReady(ctx); err != nil {
		return fail(err)
	}
	return s, nil
}

// waitReady polls until the server accepts a connection, it exits, or ctx
// ends. Connecting is the one test that proves what callers need.
func (s *Instance) waitReady(ctx context.Context) error {
	for {
		attempt, cancel := context.WithTimeout(ctx, 2*time.Second)
		conn, err := pgx.Connect(attempt, s.URL("postgres"))
		cancel()
		if err == nil {
			s.admin = conn
			return nil
		}
		select {
		case <-s.proc.done:
			return fmt.Errorf("postgres exited: %v\n%s", s.proc.waitErr, s.proc.logTail())
		case <-ctx.Done():
			return fmt.Errorf("postgres not ready: %w (last: %v)\n%s", ctx.Err(), err, s.proc.logTail())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// stop asks for a fast shutdown (SIGINT: end sessions, checkpoint, exit),
// kills the server if that takes too long, and removes the directory.
func (p *process) stop() error {
	var errs []error
	if p.cmd != nil && p.cmd.Process != nil {
		if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil && !errors.Is(err, os.ErrProcessDone) {
			errs = append(errs, fmt.Errorf("signal postgres: %w", err))
		}
		select {
		case <-p.done:
		case <-time.After(30 * time.Second):
			_ = p.cmd.Process.Kill() // last resort; Wait reports the outcome
			<-p.done
			errs = append(errs, errors.New("postgres did not shut down in 30s; killed"))
		}
	}
	if p.log != nil {
		_ = p.log.Close() // only read for error messages
	}
	if err := os.RemoveAll(p.dir); err != nil {
		errs = append(errs, fmt.Errorf("remove %s: %w", p.dir, err))
	}
	return errors.Join(errs...)
}

// logTail is the end of the server's log, for error messages.
func (p *process) logTail() string {
	b, err := os.ReadFile(filepath.Join(p.dir, "postgres.log"))
	if err != nil {
		return ""
	}
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(bytes.TrimSpace(b))
}

// findBinaries returns the directory holding initdb and postgres: the one
// BinEnv names, else the one on PATH, or else the newest Debian
// /usr/lib/postgresql/<version>/bin.
func findBinaries() (string, error) {
	if dir := os.Getenv(BinEnv); dir != "" {
		for _, name := range []string{"initdb", "postgres"} {
			if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
				return "", fmt.Errorf("%s=%s: %w (%v)", BinEnv, dir, errNoBinaries, err)
			}
		}
		return dir, nil
	}
	if p, err := exec.LookPath("postgres"); err == nil {
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob(debianBinGlob) // the pattern is well-formed
	sort.Slice(dirs, func(i, j int) bool { return pgVersion(dirs[i]) > pgVersion(dirs[j]) })
	for _, dir := range dirs {
		_, err1 := os.Stat(filepath.Join(dir, "postgres"))
		_, err2 := os.Stat(filepath.Join(dir, "initdb"))
		if err1 == nil && err2 == nil {
			return dir, nil
		}
	}
	return "", errNoBinaries
}

// pgVersion reads the major version from /usr/lib/postgresql/<v>/bin, so
// that 15 sorts above 9.6.
func pgVersion(binDir string) float64 {
	v, err := strconv.ParseFloat(filepath.Base(filepath.Dir(binDir)), 64)
	if err != nil {
		return -1
	}
	return v
}

// serverCredential is the identity to run initdb and postgres as: nil
// (ourselves) normally, the "postgres" user when we are root, because
// postgres refuses to run as root.
func serverCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("tests run as root and postgres refuses to: no postgres user to run it as (%w); create one (useradd --system postgres) or run the tests as another user", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("postgres user has ids %q/%q: %w", u.Uid, u.Gid, errors.Join(err1, err2))
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// tempBase is where the server's directory goes: the usual temporary
// directory unless the socket path would be too long for a Unix socket
// (about 107 bytes) or, when the server runs as another user, that user
// could not reach it (TMPDIR under /root, say). /tmp does for both.
func tempBase(otherUser bool) string {
	base := os.TempDir()
	if len(base) > 60 || (otherUser && !everyoneCanTraverse(base)) {
		return "/tmp"
	}
	return base
}

// everyoneCanTraverse reports whether every directory from / to dir is
// searchable by other users.
func everyoneCanTraverse(dir string) bool {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	for {
		fi, err := os.Stat(dir)
		if err != nil || fi.Mode().Perm()&0o001 == 0 {
			return false
		}
		parent := filepath.Dir(dir)
		if parent == dir || strings.TrimSpace(parent) == "" {
			return true
		}
		dir = parent
	}
}

// removeStale deletes the directories of servers whose test binary was
// killed (a test timeout, say): Pdeathsig stopped the server, but nobody
// removed its files, some 40 MB each. A directory is stale when the
// process named in its owner file no longer exists. One without the file
// may be one another test binary has just created; it is left alone
// unless it is a day old. Failures are ignored: this is tidying.
func removeStale(base string) {
	dirs, _ := filepath.Glob(filepath.Join(base, dirPrefix+"*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			if fi, err := os.Stat(dir); err == nil && time.Since(fi.ModTime()) > 24*time.Hour {
				_ = os.RemoveAll(dir)
			}
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 {
			continue
		}
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			_ = os.RemoveAll(dir)
		}
	}
}
