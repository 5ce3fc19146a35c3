package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/recert/recert/app"
	"github.com/recert/recert/calendar"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/postgres"
	"github.com/recert/recert/ledger/sqlite"
	"github.com/recert/recert/metrics"
	"github.com/recert/recert/notify/mail"
	"github.com/recert/recert/notify/webhook"
	"github.com/recert/recert/queue"
)

// workerFlags are the flags serve and worker share: where mail goes and
// how the queue runs.
type workerFlags struct {
	smtp, from string
	noWorker   bool
	sweepEvery time.Duration
	workers    int
	// poll is how often the queue looks for due jobs (tests shorten it).
	poll time.Duration
	// metricsAddr, for `recert worker`, is where it serves /metrics.
	metricsAddr string
	// keyFile and publicURL, for `recert worker`, are serve's: the issuer's
	// keys sign the credentials the worker issues.
	keyFile, publicURL string
}

func (f *workerFlags) register(cmd *cobra.Command, serving bool) {
	cmd.Flags().StringVar(&f.smtp, "smtp", os.Getenv("RECERT_SMTP"), "the SMTP server for notification mail: smtp://[user:pass@]host:port (STARTTLS when offered; ?starttls=required or none), smtps://host:port for TLS; also RECERT_SMTP; empty sends no mail")
	cmd.Flags().StringVar(&f.from, "mail-from", envOr("RECERT_MAIL_FROM", "recert <recert@localhost>"), "the sender of notification mail; also RECERT_MAIL_FROM")
	cmd.Flags().DurationVar(&f.sweepEvery, "sweep-every", app.DefaultSweepEvery, "how often the worker looks for notices falling due")
	cmd.Flags().IntVar(&f.workers, "workers", 10, "how many jobs one process runs at once")
	if serving {
		cmd.Flags().BoolVar(&f.noWorker, "no-worker", false, "serve the API only and leave the jobs to `recert worker` processes (jobs are still queued)")
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// parts are the adapters the App is given, made from the flags.
type parts struct {
	opts    []app.Option
	metrics *metrics.Metrics
}

// makeParts makes the adapters; now is the clock mail is dated by.
func makeParts(f workerFlags, now func() time.Time, log *slog.Logger) (parts, error) {
	reg := metrics.New(log)
	p := parts{metrics: reg, opts: []app.Option{
		app.WithWebhookPoster(webhook.NewPoster(webhook.Config{})),
		app.WithCalendar(calendar.Encoder{}),
		app.WithObserver(reg),
		app.WithSweep(f.sweepEvery, 4*f.sweepEvery),
	}}
	if f.smtp != "" {
		m, err := mail.New(mail.Config{URL: f.smtp, From: f.from, Now: now})
		if err != nil {
			return p, fmt.Errorf("--smtp: %w", err)
		}
		p.opts = append(p.opts, app.WithMailer(m))
	} else {
		// No mail: the embedded default shows sign-in links in the log
		// instead, so that a person can sign in with nothing but Go.
		p.opts = append(p.opts, app.WithSignInConsole(func(to, link string) {
			log.Info("sign-in link (printed because --smtp is not set; open it in a browser)", "to", to, "link", link)
		}))
	}
	return p, nil
}

// openQueue makes the queue over the store's own database (River's tables
// are migrated by it) with a as its job handler, and gives it to a.
func openQueue(st ledger.Store, a *app.App, now func() time.Time, f workerFlags, reg *metrics.Metrics, log *slog.Logger, insertOnly bool) (*queue.Queue, error) {
	cfg := queue.Config{Now: now, Workers: f.workers, Logger: log, InsertOnly: insertOnly, PollInterval: f.poll}
	if reg != nil {
		cfg.Observe = reg.Job
	}
	var q *queue.Queue
	var err error
	switch db := st.(type) {
	case *sqlite.DB:
		q, err = queue.NewSQLite(db, a, cfg)
	case *postgres.DB:
		q, err = queue.NewPostgres(db, a, cfg)
	default:
		return nil, fmt.Errorf("no work queue for a %T store", st)
	}
	if err != nil {
		return nil, err
	}
	a.UseQueue(q)
	if reg != nil {
		reg.SetQueueDepth(q.Depth)
	}
	return q, nil
}

func newWorker() *cobra.Command {
	var db string
	var f workerFlags
	cmd := &cobra.Command{
		Use:   "worker",
		Short: "Run the jobs: reminders, webhooks and the sweep for notices falling due",
		Long: "worker runs the job queue without the HTTP API: several worker processes (and servers)\n" +
			"may share one PostgreSQL database, and every reminder is still sent at most once.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			return runWorker(ctx, db, f, nil, log, func(display string) {
				fmt.Fprintf(cmd.OutOrStdout(), "recert %s worker is running (database %s)\n", version(), display)
			})
		},
	}
	dbFlag(cmd.Flags(), &db)
	f.register(cmd, false)
	cmd.Flags().StringVar(&f.metricsAddr, "metrics-addr", "", "serve Prometheus metrics at http://ADDR/metrics (jobs, notifications, queue depth); off when empty")
	cmd.Flags().StringVar(&f.keyFile, "key-file", "", "the master key of the issuer's signing keys, as serve's (default: recert.key beside a SQLite database); RECERT_KEY instead when set")
	cmd.Flags().StringVar(&f.publicURL, "public-url", "", "the server's public URL, as serve's, which names the issuer")
	return cmd
}

// runWorker runs the queue over db until ctx ends. clock is the wall clock
// when nil (tests give theirs). ready is told when the worker has started.
func runWorker(ctx context.Context, db string, f workerFlags, clock func() time.Time, log *slog.Logger, ready func(string)) error {
	now := clock
	if now == nil {
		now = time.Now
	}
	st, spec, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := makeParts(f, now, log)
	if err != nil {
		return err
	}
	opts := append(p.opts, app.WithClock(now))
	// serve's default address, so that both name the same issuer.
	keys, _, err := openIssuer(ctx, st, spec, f.keyFile, issuerURL(f.publicURL, "127.0.0.1:8080"))
	if err != nil {
		return err
	}
	if keys != nil {
		opts = append(opts, app.WithIssuer(keys), app.WithCredentials(keys))
	}
	a := app.New(st, opts...)
	q, err := openQueue(st, a, clock, f, p.metrics, log, false)
	if err != nil {
		return scrub(fmt.Errorf("starting the queue on %s: %w", spec.display, err), spec.password)
	}
	if err := q.Start(context.WithoutCancel(ctx)); err != nil {
		return scrub(err, spec.password)
	}
	if err := a.StartSweep(ctx); err != nil {
		return scrub(err, spec.password)
	}
	if f.metricsAddr != "" {
		ln, err := net.Listen("tcp", f.metricsAddr)
		if err != nil {
			return fmt.Errorf("--metrics-addr: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", p.metrics.Handler())
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		defer srv.Close()
		log.Info("serving metrics", "url", "http://"+ln.Addr().String()+"/metrics")
	}
	ready(spec.display)
	<-ctx.Done()
	stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return q.Stop(stopCtx)
}
