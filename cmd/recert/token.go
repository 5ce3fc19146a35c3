package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/recert/recert/app"
)

// newToken groups the commands an operator runs on the machine that holds
// the database: tokens made here need no token, as serve's bootstrap one.
func newToken() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Make API tokens directly in the database",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newTokenCreate())
	return cmd
}

func newTokenCreate() *cobra.Command {
	var db, role, subject, name, expires string
	cmd := &cobra.Command{
		Use:   "create --role admin|staff|center|candidate",
		Short: "Create an API token and print its secret (shown once)",
		Long: "token create stores a new API token in the database --db and prints its secret on standard\n" +
			"output, alone on one line (TOKEN=$(recert token create --role staff)); what it is goes to\n" +
			"standard error. A center or candidate token needs --subject, the id it acts for.\n" +
			"--expires is a duration from now (90m, 720h) or an RFC 3339 instant; without it the\n" +
			"token works until revoked (DELETE /v1/tokens/{id}).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			at, err := expiry(expires, time.Now())
			if err != nil {
				return err
			}
			if name == "" {
				name = "recert token create"
			}
			ctx := cmd.Context()
			return withApp(ctx, db, func(a *app.App) error {
				t, secret, err := a.CreateToken(ctx, app.System, app.TokenInput{Role: app.Role(role), Subject: subject, Name: name, ExpiresAt: at})
				if err != nil {
					return err
				}
				until := "never expires"
				if !t.ExpiresAt.IsZero() {
					until = "expires " + t.ExpiresAt.UTC().Format(time.RFC3339)
				}
				who := t.Role
				if t.Subject != "" {
					who += " " + t.Subject
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "token %s (%s, %s); its secret, shown once:\n", t.ID, who, until)
				fmt.Fprintln(cmd.OutOrStdout(), secret)
				return nil
			})
		},
	}
	dbFlag(cmd.Flags(), &db)
	cmd.Flags().StringVar(&role, "role", "", "admin, staff, center or candidate")
	cmd.Flags().StringVar(&subject, "subject", "", "the center or candidate id the token acts for")
	cmd.Flags().StringVar(&name, "name", "", "a label for the token, shown in GET /v1/tokens")
	cmd.Flags().StringVar(&expires, "expires", "", "when it stops working: a duration from now (720h) or an RFC 3339 instant")
	_ = cmd.MarkFlagRequired("role")
	return cmd
}

// expiry reads --expires: empty is never, a Go duration counts from now,
// anything else must be an RFC 3339 instant.
func expiry(v string, now time.Time) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(v); err == nil {
		if d <= 0 {
			return time.Time{}, fmt.Errorf("--expires %s: the duration must be positive", v)
		}
		return now.Add(d), nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("--expires %q: give a duration from now (90m, 720h) or an RFC 3339 instant (2027-01-31T00:00:00Z)", v)
	}
	return t, nil
}
