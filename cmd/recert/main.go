// Command recert runs a certification program: the policy engine on the
// command line (decide, test, status, plan) and, later, the server. It is
// the only package that wires concrete parts together.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// exitError carries the exit status a subcommand wants without printing
// anything more than it already has.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func main() {
	root := newRoot()
	if err := root.Execute(); err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			os.Exit(ee.code)
		}
		fmt.Fprintln(os.Stderr, "recert:", err)
		os.Exit(1)
	}
}

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:           "recert",
		Short:         "A certification-program server and policy engine",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().String("program", "", "program definition file (YAML); the built-in AWS reference program when empty")
	root.AddCommand(newDecide(), newTest(), newStatus(), newPlan(), newServe(), newValidate(), newImport(), newExport(), newRebuild())
	return root
}
