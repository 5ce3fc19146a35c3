package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/recert/recert/app"
)

// newStaff manages the staff users who sign in to the pages by e-mail,
// on the machine that holds the database (as token create does).
func newStaff() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "staff",
		Short: "Add, list and remove the staff who sign in to the pages by e-mail",
		Args:  cobra.NoArgs,
	}
	var db, role, name string
	add := &cobra.Command{
		Use:   "add EMAIL --role staff|admin",
		Short: "Add a staff user: they sign in at /signin with this address",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return withApp(ctx, db, func(a *app.App) error {
				u, err := a.CreateStaffUser(ctx, app.System, app.StaffInput{Email: args[0], Name: name, Role: app.Role(role)})
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "staff user %s <%s> (%s): sign in at /signin with this address\n", u.ID, u.Email, u.Role)
				return nil
			})
		},
	}
	dbFlag(add.Flags(), &db)
	add.Flags().StringVar(&role, "role", "staff", "staff or admin")
	add.Flags().StringVar(&name, "name", "", "the person's name, for the mail's greeting")
	list := &cobra.Command{
		Use:   "list",
		Short: "List the staff users",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return withApp(ctx, db, func(a *app.App) error {
				us, err := a.StaffUsers(ctx, app.System)
				if err != nil {
					return err
				}
				for _, u := range us {
					fmt.Fprintf(cmd.OutOrStdout(), "%s\t%s\t%s\t%s\n", u.ID, u.Email, u.Role, strings.TrimSpace(u.Name))
				}
				return nil
			})
		},
	}
	dbFlag(list.Flags(), &db)
	remove := &cobra.Command{
		Use:   "remove EMAIL",
		Short: "Remove a staff user and end their sessions",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return withApp(ctx, db, func(a *app.App) error {
				u, err := a.RemoveStaffUser(ctx, app.System, args[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "removed staff user %s <%s>; their sessions have ended\n", u.ID, u.Email)
				return nil
			})
		},
	}
	dbFlag(remove.Flags(), &db)
	cmd.AddCommand(add, list, remove)
	return cmd
}
