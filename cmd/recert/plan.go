package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/recert/recert/policy"
)

func newPlan() *cobra.Command {
	var f candidateFlags
	cmd := &cobra.Command{
		Use:   "plan HISTORY CERTIFICATION",
		Short: "Show the renewal plan for one certification",
		Long: "plan shows when to start preparing, each exam that would renew the certification with\n" +
			"its earliest date, and the last date for a first attempt that still leaves room for\n" +
			"one and for two retakes before expiry.",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, h, at, err := f.load(cmd, args[0])
			if err != nil {
				return err
			}
			plan, err := p.Plan(h, at, args[1])
			if errors.Is(err, policy.ErrUnknownCertification) {
				ids := make([]string, 0, len(p.Certifications))
				for _, c := range p.Certifications {
					ids = append(ids, c.ID)
				}
				return fmt.Errorf("program %s has no certification %q; it has %s", p.Label(), args[1], strings.Join(ids, ", "))
			}
			if err != nil {
				return err
			}
			if f.asJSON {
				return writeJSON(cmd.OutOrStdout(), planJSON(plan))
			}
			printPlan(cmd.OutOrStdout(), plan)
			return nil
		},
	}
	f.register(cmd)
	return cmd
}

func printPlan(out io.Writer, pl policy.RenewalPlan) {
	fmt.Fprintf(out, "Renewal plan for %s (%s), as of %s, program %s\n", pl.Certification, pl.Name, pl.Date, pl.Program)
	switch pl.State {
	case policy.StateNone, policy.StateExpired:
		if pl.State == policy.StateNone {
			fmt.Fprintln(out, "Not earned: there is nothing to renew.")
		} else {
			fmt.Fprintf(out, "Expired after %s: it cannot be renewed, only earned anew.\n", pl.Expires)
		}
		if pl.EarnAnew != nil {
			fmt.Fprintf(out, "Earn it by passing %s; the earliest date it can be sat is %s.\n", pl.EarnAnew.Exam, dateText(pl.EarnAnew.Earliest, "none"))
		}
		return
	}
	if pl.Expires == policy.NoDate {
		fmt.Fprintln(out, "Active; it does not expire, so it needs no renewal.")
		return
	}
	fmt.Fprintf(out, "State: %s, expires %s (%d days from now)\n", pl.State, pl.Expires, int(pl.Expires-pl.Date))
	if pl.PrepareFrom != policy.NoDate || pl.PrepareBy != policy.NoDate {
		fmt.Fprintf(out, "Start preparing between %s and %s.\n", dateText(pl.PrepareFrom, "-"), dateText(pl.PrepareBy, "-"))
	}
	if len(pl.Reminders) > 0 {
		fmt.Fprint(out, "Reminders:")
		for _, r := range pl.Reminders {
			fmt.Fprint(out, " ", r)
		}
		fmt.Fprintln(out)
	}
	fmt.Fprintln(out)
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EXAM\tEARLIEST\tIN TIME\tLAST FIRST ATTEMPT\tLEAVING 1 RETAKE\tLEAVING 2 RETAKES")
	for _, o := range pl.Options {
		fmt.Fprintf(tw, "%s\t%s\t%v\t%s\t%s\t%s\n", o.Exam, o.Earliest, o.InTime, dateText(o.LastAttempt, "none"),
			dateText(o.WithOneRetake, "none"), dateText(o.WithTwoRetakes, "none"))
	}
	if len(pl.Options) == 0 {
		fmt.Fprintln(tw, "(no exam can renew it in time)\t\t\t\t\t")
	}
	tw.Flush()
}

func planJSON(pl policy.RenewalPlan) map[string]any {
	opts := []map[string]any{}
	for _, o := range pl.Options {
		opts = append(opts, optionJSON(o))
	}
	reminders := []string{}
	for _, r := range pl.Reminders {
		reminders = append(reminders, r.String())
	}
	m := map[string]any{"program": pl.Program, "certification": pl.Certification, "date": pl.Date.String(), "state": pl.State,
		"expires_on": dateJSON(pl.Expires), "prepare_from": dateJSON(pl.PrepareFrom), "prepare_by": dateJSON(pl.PrepareBy),
		"reminders": reminders, "options": opts, "earn_anew": nil}
	if pl.State == policy.StateNone {
		m["expires_on"] = nil
	}
	if pl.EarnAnew != nil {
		m["earn_anew"] = optionJSON(*pl.EarnAnew)
	}
	return m
}

func optionJSON(o policy.PlanOption) map[string]any {
	return map[string]any{"exam": o.Exam, "earliest_date": dateJSON(o.Earliest), "in_time": o.InTime,
		"last_attempt": dateJSON(o.LastAttempt), "last_attempt_with_one_retake": dateJSON(o.WithOneRetake),
		"last_attempt_with_two_retakes": dateJSON(o.WithTwoRetakes)}
}
