package main

import (
	"errors"

	"github.com/spf13/cobra"
)

func newServe() *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the HTTP server (not built yet)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("the server does not exist yet; the policy engine is available as `recert decide`, `recert test`, `recert status` and `recert plan`")
		},
	}
}
