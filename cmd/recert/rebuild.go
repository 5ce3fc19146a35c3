package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/recert/recert/app"
)

// newRebuild recreates every read model from the ledger and recounts the
// seats. It is the repair for read models suspected wrong, and what to run
// after restoring a database whose read models were not kept. It runs
// while servers serve (a batch of candidates, then one slot, at a time).
// What it cannot repair — a slot holding more people than seats, a stored
// fact today's rules would refuse — it prints, and then exits with status
// 1, so that a script running it notices.
func newRebuild() *cobra.Command {
	var db string
	cmd := &cobra.Command{
		Use:   "rebuild",
		Short: "Recreate every read model from the event ledger, recount seats, report what is wrong",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			var r app.RebuildReport
			err := withApp(ctx, db, func(a *app.App) (err error) {
				r, err = a.RebuildViews(ctx, app.System)
				return err
			})
			if err != nil {
				return err
			}
			if printRebuild(cmd.OutOrStdout(), r) {
				return &exitError{code: 1}
			}
			return nil
		},
	}
	dbFlag(cmd.Flags(), &db)
	return cmd
}

// printRebuild writes the report and says whether it holds a problem.
func printRebuild(w io.Writer, r app.RebuildReport) bool {
	fmt.Fprintf(w, "rebuilt the read models of %d candidates (%d changed); recounted the seats of %d slots (%d corrected)\n",
		r.Streams, r.ViewsChanged, r.Slots, r.SeatsChanged)
	for _, c := range r.OverCapacity {
		fmt.Fprintf(w, "over capacity: %s %s: %d appointments hold a seat, the center has %d\n",
			c.Center, c.Slot.UTC().Format(time.RFC3339), c.Taken, c.Seats)
	}
	for _, f := range r.Findings {
		fmt.Fprintf(w, "refused by today's rules: %s event %d: %s: %s\n", f.Candidate, f.Seq, f.Kind, f.Message)
	}
	return len(r.OverCapacity) > 0 || len(r.Findings) > 0
}
