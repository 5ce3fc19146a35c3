package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/recert/recert/definition"
)

func newValidate() *cobra.Command {
	return &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check program definition files and list every problem with its file, line and column",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			bad := 0
			for _, name := range args {
				p, err := definition.LoadFile(name)
				if err != nil {
					fmt.Fprintln(cmd.ErrOrStderr(), err)
					bad++
					continue
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: program %s version %s: %d exams, %d certifications\n",
					name, p.ID, p.Version, len(p.Exams), len(p.Certifications))
			}
			if bad > 0 {
				return &exitError{code: 1}
			}
			return nil
		},
	}
}
