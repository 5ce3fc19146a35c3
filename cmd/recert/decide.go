package main

import (
	"bufio"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/recert/recert/definition"
	"github.com/recert/recert/policy"
	"github.com/recert/recert/scenario"
)

// loadProgram returns the program the --program flag names, or the
// built-in reference program.
func loadProgram(cmd *cobra.Command) (*policy.Program, error) {
	path, _ := cmd.Flags().GetString("program")
	if path == "" {
		return definition.AWS(), nil
	}
	return definition.LoadFile(path)
}

func newDecide() *cobra.Command {
	var explain bool
	var workers int
	cmd := &cobra.Command{
		Use:   "decide [FILE]",
		Short: "Answer decision scenarios (JSON Lines) from FILE or standard input",
		Long: "decide reads scenarios as JSON Lines and writes one answer line per input line, in order,\n" +
			"each carrying the input's id. A line that is not a valid scenario is answered with\n" +
			"an invalid_scenario error and the next line is read as usual.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := loadProgram(cmd)
			if err != nil {
				return err
			}
			in := cmd.InOrStdin()
			if len(args) == 1 && args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer f.Close()
				in = f
			}
			out := bufio.NewWriterSize(cmd.OutOrStdout(), 1<<20)
			if err := scenario.Decide(p, in, out, scenario.Options{Explain: explain, Workers: workers}); err != nil {
				out.Flush()
				return err
			}
			return out.Flush()
		},
	}
	cmd.Flags().BoolVar(&explain, "explain", false, "add a plain-language explanation naming the rules to each answer")
	cmd.Flags().IntVar(&workers, "workers", 0, "lines decided in parallel (default: one per CPU)")
	return cmd
}

func newTest() *cobra.Command {
	return &cobra.Command{
		Use:   "test FILE...",
		Short: "Run scenario files and compare each answer with its expect object",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := loadProgram(cmd)
			if err != nil {
				return err
			}
			var total scenario.Result
			w := cmd.OutOrStdout()
			for _, name := range args {
				f, err := os.Open(name)
				if err != nil {
					return err
				}
				res, err := scenario.Check(p, name, f, w)
				f.Close()
				if err != nil {
					return err
				}
				total.Passed += res.Passed
				total.Failed += res.Failed
			}
			fmt.Fprintf(w, "%d passed, %d failed\n", total.Passed, total.Failed)
			if total.Failed > 0 || total.Passed == 0 {
				return &exitError{code: 1}
			}
			return nil
		},
	}
}
