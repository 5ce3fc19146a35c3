package main

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/recert/recert/definition"
	"github.com/recert/recert/policy"
	"github.com/recert/recert/scenario"
)

// programFlag registers --program on the commands that decide: decide,
// test, status and plan. It was a flag of every command once, and did
// nothing on most; serve has its own, which uploads the definition.
func programFlag(cmd *cobra.Command) {
	cmd.Flags().String("program", "", "program definition file (YAML); the built-in AWS reference program when empty")
}

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
	programFlag(cmd)
	return cmd
}

func newTest() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "test FILE...",
		Short: "Run scenario files and compare each answer with its expect object",
		Long: "test runs each line of the scenario files and compares the answer with the line's expect\n" +
			"object, key by key. A line that is not a valid scenario (a field of the wrong JSON type,\n" +
			"say) passes when it expects {\"error\":{\"code\":\"invalid_scenario\"}}.",
		Args: cobra.MinimumNArgs(1),
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
				for _, e := range res.UnknownExams {
					if !slices.Contains(total.UnknownExams, e) {
						total.UnknownExams = append(total.UnknownExams, e)
					}
				}
			}
			fmt.Fprintf(w, "%d passed, %d failed\n", total.Passed, total.Failed)
			if len(total.UnknownExams) > 0 {
				path, _ := cmd.Flags().GetString("program")
				which := "the built-in program " + p.Label()
				if path != "" {
					which = "program " + p.Label() + " (" + path + ")"
				}
				fmt.Fprintf(w, "%s has no exam %s: are these scenarios for another program? Name its definition with --program FILE (programs/*.yaml).\n",
					which, strings.Join(quoteAll(total.UnknownExams), ", "))
			}
			if total.Failed > 0 || total.Passed == 0 {
				return &exitError{code: 1}
			}
			return nil
		},
	}
	programFlag(cmd)
	return cmd
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}
