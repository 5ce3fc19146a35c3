// Command recert runs a certification program: the policy engine on the
// command line (decide, test, status, plan) and, later, the server. It is
// the only package that wires concrete parts together.
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"

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
		Version:       version(),
	}
	root.SetVersionTemplate("recert {{.Version}}\n")
	root.AddCommand(newDecide(), newTest(), newStatus(), newPlan(), newServe(), newWorker(), newKeys(), newValidate(), newImport(), newExport(),
		newRebuild(), newToken(), newVerify(), newStaff())
	return root
}

// buildVersion is set when a release is built:
//
//	go build -ldflags "-X main.buildVersion=v1.2.3" ./cmd/recert
var buildVersion string

// version is what recert --version and serve's banner say: the release
// set at link time, else the module version go install recorded, else
// the commit a build from a checkout was made at ("+dirty" when it had
// uncommitted changes), else "devel".
func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "+dirty"
	}
	return "devel-" + rev
}
