package main

import (
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
	"github.com/recert/recert/httpapi"
)

func newServe() *cobra.Command {
	var addr, db string
	var noToken bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the HTTP server",
		Long: "serve runs the HTTP API on --addr over the database --db: by default an embedded SQLite\n" +
			"file recert.db in the working directory, created when absent; a postgres:// URL runs the\n" +
			"same server on PostgreSQL, and several servers may share one PostgreSQL database.\n" +
			"It prints the URL and a new admin token, shown once.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return serve(ctx, cmd, addr, db, !noToken)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "the address to listen on")
	dbFlag(cmd.Flags(), &db)
	cmd.Flags().BoolVar(&noToken, "no-token", false, "do not create an admin token at start")
	return cmd
}

// serve runs until ctx ends, then shuts down gracefully: requests in
// flight finish (up to ten seconds) and the store is closed.
func serve(ctx context.Context, cmd *cobra.Command, addr, db string, token bool) error {
	out := cmd.OutOrStdout()
	st, err := openStore(ctx, db)
	if err != nil {
		return fmt.Errorf("opening the database %s: %w", db, err)
	}
	defer st.Close()
	a := app.New(st)
	if err := a.Ready(ctx); err != nil {
		return fmt.Errorf("the database %s is not ready: %w", db, err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
	srv := &http.Server{
		Handler:           httpapi.New(a, httpapi.Options{Logger: log}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	fmt.Fprintf(out, "recert is serving http://%s (database %s, programs %s)\n", ln.Addr(), redact(db), activePrograms(ctx, a))
	if token {
		secret, err := a.BootstrapAdmin(ctx)
		if err != nil {
			ln.Close()
			return fmt.Errorf("creating the admin token: %w", err)
		}
		fmt.Fprintf(out, "admin token (shown once; keep it): %s\n", secret)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go sweepExpiries(ctx, a, log)
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

// redact hides a PostgreSQL URL's password in what serve prints.
func redact(dsn string) string {
	if u, err := parseURL(dsn); err == nil && u != "" {
		return u
	}
	return dsn
}

func parseURL(dsn string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" || u.User == nil {
		return "", err
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String(), nil
}

// sweepExpiries records lapsed certifications in the ledger at start and
// then hourly, until ctx ends. Several servers on one database may all run
// it: the sweep appends an expiry once, whoever gets there first.
func sweepExpiries(ctx context.Context, a *app.App, log *slog.Logger) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		if n, err := a.SweepExpiries(ctx, app.System); err != nil && ctx.Err() == nil {
			log.Error("sweeping expired certifications", "err", err)
		} else if n > 0 {
			log.Info("recorded expired certifications", "count", n)
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
