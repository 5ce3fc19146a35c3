package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/recert/recert/app"
	"github.com/recert/recert/credential"
	"github.com/recert/recert/definition"
	"github.com/recert/recert/httpapi"
	"github.com/recert/recert/web"
)

func newServe() *cobra.Command {
	var addr, db, program string
	var noToken bool
	var idemTTL time.Duration
	var publicURL, keyFile string
	var wf workerFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the HTTP server",
		Long: "serve runs the HTTP API on --addr over the database --db: by default an embedded SQLite\n" +
			"file recert.db in the working directory, created when absent (sqlite:PATH or a plain path\n" +
			"for another); a postgres:// URL or a keyword DSN (host=... dbname=...) runs the same server\n" +
			"on PostgreSQL, and several servers may share one PostgreSQL database.\n" +
			"--program FILE uploads that definition (unless its id and version are stored already) and\n" +
			"makes it the active version of its program.\n" +
			"It prints the URL and, when the database has no admin token that still works, a new one,\n" +
			"shown once; recert token create makes more.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if idemTTL <= 0 {
				return fmt.Errorf("--idempotency-ttl must be positive, not %s", idemTTL)
			}
			return serve(ctx, cmd, serveConfig{addr: addr, db: db, program: program, token: !noToken, idemTTL: idemTTL,
				publicURL: publicURL, keyFile: keyFile, worker: wf})
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "the address to listen on")
	dbFlag(cmd.Flags(), &db)
	cmd.Flags().StringVar(&program, "program", "", "a program definition (YAML) to upload and activate at start")
	cmd.Flags().BoolVar(&noToken, "no-token", false, "never create an admin token at start, even when the database has none")
	cmd.Flags().DurationVar(&idemTTL, "idempotency-ttl", app.DefaultIdempotencyTTL, "how long a response is replayed for a retry with its Idempotency-Key")
	cmd.Flags().StringVar(&publicURL, "public-url", "", "the server's address as others reach it (https://recert.example.org), for the links it hands out; default the request's host")
	cmd.Flags().StringVar(&keyFile, "key-file", "", "the master key that seals the issuer's signing keys, made on first start when absent (default: recert.key beside a SQLite database; on PostgreSQL credentials are off without it or RECERT_KEY, base64 of 32 bytes)")
	wf.register(cmd, true)
	return cmd
}

type serveConfig struct {
	addr, db, program string
	token             bool
	idemTTL           time.Duration
	publicURL         string
	keyFile           string
	worker            workerFlags
	// clock is the server's clock; time.Now when nil (tests drive theirs).
	clock func() time.Time
}

// serve runs until ctx ends, then shuts down gracefully: requests in
// flight finish (up to ten seconds) and the store is closed.
func serve(ctx context.Context, cmd *cobra.Command, c serveConfig) error {
	out := cmd.OutOrStdout()
	st, spec, err := openStore(ctx, c.db)
	if err != nil {
		return err
	}
	defer st.Close()
	log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
	now := time.Now
	if c.clock != nil {
		now = c.clock
	}
	parts, err := makeParts(c.worker, now, log)
	if err != nil {
		return err
	}
	opts := append(parts.opts, app.WithIdempotencyTTL(c.idemTTL), app.WithClock(now))
	if c.publicURL != "" {
		u, err := url.Parse(c.publicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return fmt.Errorf("--public-url %q: want the scheme and host, such as https://recert.example.org", c.publicURL)
		}
		opts = append(opts, app.WithMailDomain(u.Hostname()))
	}
	// The issuer's keys: made on first start, sealed under the master key
	// (RECERT_KEY or the key file), published at /.well-known/.
	var a *app.App // the verifier below reads its status lists
	keys, made, err := openIssuer(ctx, st, spec, c.keyFile, issuerURL(c.publicURL, c.addr))
	switch {
	case err != nil:
		return err
	case keys == nil:
		fmt.Fprintln(out, "credentials: off (set RECERT_KEY or --key-file to issue them)")
	default:
		// Public verification checks with these keys and this server's own
		// status lists, as app signs and caches them (without keys,
		// verification answers 404: this server issues no credentials).
		// A verification is then one read of the ledger: the lists are
		// asked for once a second, the rest of what it joins cached as long
		// (the credential's own status is read on every call).
		verifier := credential.NewVerifier(keys, func(purpose string) ([]byte, error) {
			b, _, err := a.StatusList(context.Background(), purpose)
			return b, err
		})
		verifier.Refresh = verifyRefresh
		opts = append(opts, app.WithIssuer(keys), app.WithCredentials(keys), app.WithVerifier(verifier), app.WithVerificationCache(verifyRefresh))
	}
	if made != "" {
		fmt.Fprintf(out, "made a new master key in %s: keep it, backed up apart from the database; without it the issuer's keys cannot be used\n", made)
	}
	a = app.New(st, opts...)
	if err := a.Ready(ctx); err != nil {
		return scrub(fmt.Errorf("%s is not ready: %w", spec.display, err), spec.password)
	}
	// The queue shares the store's database and transactions; with
	// --no-worker it only inserts, and `recert worker` processes run the
	// jobs.
	q, err := openQueue(st, a, nil, c.worker, parts.metrics, log, c.worker.noWorker)
	if err != nil {
		return scrub(fmt.Errorf("starting the work queue on %s: %w", spec.display, err), spec.password)
	}
	if c.program != "" {
		if err := activateFile(ctx, a, c.program); err != nil {
			return err
		}
	}
	// The queue stops when serve does, through Stop below: a cancelled
	// context would stop River mid-job instead.
	if err := q.Start(context.WithoutCancel(ctx)); err != nil {
		return scrub(err, spec.password)
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := q.Stop(stopCtx); err != nil {
			log.Error("stopping the work queue", "err", err)
		}
	}()
	if err := a.StartSweep(ctx); err != nil {
		return scrub(err, spec.password)
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler: site(httpapi.New(a, httpapi.Options{Logger: log, PublicURL: strings.TrimRight(c.publicURL, "/"),
			Observe: parts.metrics.HTTP, Metrics: parts.metrics.Handler()}),
			web.New(a, web.Options{Logger: log, PublicURL: c.publicURL, Now: now})),
		// HTTP/1.1, and HTTP/2 without TLS for clients that know to ask
		// (h2c with prior knowledge): one connection carries many requests
		// and the server writes their frames together, which a busy
		// verifier (an employer checking a roster) feels. TLS is a proxy's.
		Protocols:         serveProtocols(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	fmt.Fprintf(out, "recert %s is serving http://%s (database %s, programs %s)\n", version(), ln.Addr(), spec.display, activePrograms(ctx, a))
	if c.token {
		secret, err := a.BootstrapAdminIfNone(ctx)
		if err != nil {
			ln.Close()
			return scrub(fmt.Errorf("creating the admin token: %w", err), spec.password)
		}
		if secret != "" {
			fmt.Fprintf(out, "admin token (shown once; keep it): %s\n", secret)
		} else {
			fmt.Fprintln(out, "the database has an admin token already; recert token create --role admin makes another")
		}
	}
	mailing := "no mail (--smtp is not set; sign-in links are printed in this log)"
	if c.worker.smtp != "" {
		mailing = "mail through " + redactURL(c.worker.smtp)
	}
	workerState := "the worker runs here"
	if c.worker.noWorker {
		workerState = "jobs are left to recert worker processes"
	}
	fmt.Fprintf(out, "reminders: %s; %s\n", mailing, workerState)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go purgeIdempotency(ctx, a, log)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// activateFile uploads the definition at path and activates it. A version
// stored already is activated as stored, provided it is the same text: a
// file edited without a new version is refused rather than ignored, and
// the version active before stays active.
func activateFile(ctx context.Context, a *app.App, path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("--program: %w", err)
	}
	p, err := definition.Parse(path, src)
	if err != nil {
		return fmt.Errorf("--program: %w", err)
	}
	_, err = a.UploadProgram(ctx, app.System, path, src)
	if err != nil && app.ErrorCode(err) != app.CodeExists {
		return fmt.Errorf("--program: %w", err)
	}
	previous := ""
	if err != nil { // stored already: activate it only if it is this text
		infos, err := a.Programs(ctx, app.System)
		if err != nil {
			return fmt.Errorf("--program: %w", err)
		}
		for _, in := range infos {
			if in.ID == p.ID && in.Active {
				previous = in.Version
			}
		}
	}
	if _, err := a.ActivateProgram(ctx, app.System, p.ID, p.Version); err != nil {
		return fmt.Errorf("--program: activating %s@%s: %w", p.ID, p.Version, err)
	}
	stored, err := a.ProgramSource(ctx, app.System, p.ID)
	if err != nil {
		return fmt.Errorf("--program: %w", err)
	}
	if !bytes.Equal(stored, src) {
		if previous != "" && previous != p.Version {
			if _, err := a.ActivateProgram(ctx, app.System, p.ID, previous); err != nil {
				return fmt.Errorf("--program: reactivating %s@%s: %w", p.ID, previous, err)
			}
		}
		return fmt.Errorf("--program: %s: program %s version %s is stored already with another definition; give the file a new version", path, p.ID, p.Version)
	}
	return nil
}

// purgeIdempotency deletes expired idempotency keys at start and then
// hourly, until ctx ends: their first responses are deleted once older
// than the TTL (a retry after that is a new request). Several servers on
// one database may all run it.
func purgeIdempotency(ctx context.Context, a *app.App, log *slog.Logger) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		if n, err := a.PurgeIdempotency(ctx); err != nil && ctx.Err() == nil {
			log.Error("purging expired idempotency keys", "err", err)
		} else if n > 0 {
			log.Info("purged expired idempotency keys", "count", n)
		}
		if _, err := a.PurgeSignIns(ctx); err != nil && ctx.Err() == nil {
			log.Error("purging ended sessions and old sign-in links", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// activePrograms names the program versions decisions use now.
func activePrograms(ctx context.Context, a *app.App) string {
	ps, err := a.Programs(ctx, app.System)
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	var names []string
	for _, p := range ps {
		if p.Active {
			names = append(names, p.ID+"@"+p.Version)
		}
	}
	return strings.Join(names, ", ")
}

// redactURL is an SMTP URL without its password, for the banner.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the --smtp server"
	}
	return u.Redacted()
}

// verifyRefresh is how stale public verification's status lists and
// holder details may be (the credential's own status is always fresh).
const verifyRefresh = time.Second

// serveProtocols are HTTP/1.1 and unencrypted HTTP/2.
func serveProtocols() *http.Protocols {
	p := new(http.Protocols)
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(true)
	return p
}
