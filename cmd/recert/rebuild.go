package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/recert/recert/app"
)

// newRebuild recreates every read model from the ledger. It is the repair
// for read models suspected wrong, and what to run after restoring a
// database whose read models were not kept.
func newRebuild() *cobra.Command {
	var db string
	cmd := &cobra.Command{
		Use:   "rebuild",
		Short: "Recreate every read model from the event ledger",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			var n int
			err := withApp(ctx, db, func(a *app.App) (err error) {
				n, err = a.Rebuild(ctx, app.System)
				return err
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "rebuilt the read models of %d candidates\n", n)
			return nil
		},
	}
	dbFlag(cmd.Flags(), &db)
	return cmd
}
