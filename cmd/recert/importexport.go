package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/recert/recert/app"
)

// newImport is `recert import FILE`: candidates, past results and
// certifications (or a `recert export`) into the database, in batches
// that each commit whole with the position reached, so an interrupted
// import is run again to resume.
func newImport() *cobra.Command {
	var db, name, format string
	var batch int
	var restart bool
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Import candidates, results and certifications (JSONL or CSV; see docs/import.md)",
		Long: `Import candidates, past results and certifications from a JSONL or CSV file
(docs/import.md describes both), or a file written by recert export.

Rows are stored in batches, each in one transaction together with how far
the import got, kept under --name (default: the file's absolute path). Run
the same import again after a crash or an interrupt and it resumes after the
last stored batch; --restart reads from the first row again. A refused row
is printed as FILE:ROW: field: message and skipped; the command then exits
with status 1, after importing every other row.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := args[0]
			if name == "" {
				abs, err := filepath.Abs(path)
				if err != nil {
					return err
				}
				name = abs
			}
			if format == "" {
				format = formatOf(path)
			}
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			total, err := countLines(f)
			if err != nil {
				return err
			}
			src, err := app.NewRowReader(f, format)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			st, _, err := openStore(ctx, db)
			if err != nil {
				return err
			}
			defer st.Close()
			// An import allocates a batch's rows, events and views and
			// drops them at commit; the live heap stays small, so collecting
			// less often costs little memory and saves some 7% of the time.
			defer debug.SetGCPercent(debug.SetGCPercent(importGCPercent))
			prog := newProgress(cmd.ErrOrStderr(), path, total)
			start := time.Now()
			rep, err := app.New(st).Import(ctx, app.System, name, src, app.ImportOptions{Batch: batch, Restart: restart, Total: total, Progress: prog.update})
			prog.finish()
			errOut := cmd.ErrOrStderr()
			for _, re := range rep.Errors {
				if re.Field != "" {
					fmt.Fprintf(errOut, "%s:%d: %s: %s\n", path, re.Row, re.Field, re.Message)
				} else {
					fmt.Fprintf(errOut, "%s:%d: %s\n", path, re.Row, re.Message)
				}
			}
			if err != nil && ctx.Err() != nil {
				return fmt.Errorf("interrupted: rows up to %d are stored; run the same command again to resume", rep.Position)
			}
			if err != nil {
				return fmt.Errorf("import stopped (%w); rows up to %d are stored: run it again to resume", err, rep.Position)
			}
			resumed := ""
			if rep.From > 0 {
				resumed = fmt.Sprintf(", resuming after row %d", rep.From)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "imported %d rows of %s in %d batches (%s)%s; %d refused\n",
				rep.Imported, path, rep.Batches, time.Since(start).Round(time.Millisecond), resumed, len(rep.Errors))
			if len(rep.Errors) > 0 {
				return &exitError{1}
			}
			return nil
		},
	}
	dbFlag(cmd.Flags(), &db)
	cmd.Flags().IntVar(&batch, "batch", app.DefaultBatch, "rows per transaction")
	cmd.Flags().BoolVar(&restart, "restart", false, "ignore the stored position and import from the first row")
	cmd.Flags().StringVar(&name, "name", "", "the name the position is kept under (default: the file's absolute path)")
	cmd.Flags().StringVar(&format, "format", "", "jsonl or csv (default: by the file's extension, else by its first byte)")
	return cmd
}

// importGCPercent is the GOGC an import runs with (the default is 100).
const importGCPercent = 400

// formatOf tells the format by the file name; "" leaves it to the content.
func formatOf(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return "csv"
	case ".jsonl", ".ndjson":
		return "jsonl"
	}
	return ""
}

// countLines counts the lines of a file, for the progress bar, and rewinds
// it. Row numbers are line numbers, so the bar and the position agree.
func countLines(f *os.File) (int64, error) {
	var n int64
	buf := make([]byte, 1<<16)
	last := byte('\n')
	for {
		k, err := f.Read(buf)
		n += int64(bytes.Count(buf[:k], []byte{'\n'}))
		if k > 0 {
			last = buf[k-1]
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	if last != '\n' {
		n++
	}
	_, err := f.Seek(0, io.SeekStart)
	return n, err
}

// progress draws a bar on a terminal and, elsewhere (a log, CI), a plain
// line every few seconds, which a bar's carriage returns would garble.
type progress struct {
	w     io.Writer
	path  string
	total int64
	bar   *progressbar.ProgressBar
	last  time.Time
	done  int64
	// first is the first row reported and when: the rate counts from
	// there, since a resumed import starts far into the file.
	first   int64
	firstAt time.Time
}

const plainEvery = 3 * time.Second

func newProgress(w io.Writer, path string, total int64) *progress {
	p := &progress{w: w, path: path, total: total, last: time.Now()}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription("import "+filepath.Base(path)),
			progressbar.OptionShowCount(),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	return p
}

func (p *progress) update(done, total int64) {
	p.done = done
	if p.firstAt.IsZero() {
		p.first, p.firstAt = done, time.Now()
	}
	if p.bar != nil {
		if rate := p.rate(); rate > 0 {
			p.bar.Describe(fmt.Sprintf("import %s, %.0f rows/s", filepath.Base(p.path), rate))
		}
		_ = p.bar.Set64(done)
		return
	}
	if now := time.Now(); now.Sub(p.last) >= plainEvery {
		p.last = now
		p.line()
	}
}

// rate is rows a second since the first batch; 0 until there are two.
func (p *progress) rate() float64 {
	d := time.Since(p.firstAt).Seconds()
	if p.done == p.first || d <= 0 {
		return 0
	}
	return float64(p.done-p.first) / d
}

func (p *progress) line() {
	fmt.Fprintf(p.w, "import %s: row %d of %d (%.0f%%), %.0f rows/s\n", p.path, p.done, p.total,
		100*float64(p.done)/float64(max(p.total, 1)), p.rate())
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}

// newExport is `recert export`: the whole system of record as JSONL, which
// `recert import` reads back into the same state. Tokens are left out.
func newExport() *cobra.Command {
	var db, out string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write programs, centers, candidates and every event as JSONL (no tokens)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return withApp(ctx, db, func(a *app.App) error {
				if out == "" || out == "-" {
					return a.Export(ctx, app.System, cmd.OutOrStdout())
				}
				return writeAtomically(out, func(w io.Writer) error { return a.Export(ctx, app.System, w) })
			})
		},
	}
	dbFlag(cmd.Flags(), &db)
	cmd.Flags().StringVarP(&out, "output", "o", "", "the file to write (default: standard output)")
	return cmd
}

// writeAtomically writes a file beside path and renames it into place, so
// that a failed export never leaves a truncated file that looks complete.
func writeAtomically(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename, a no-op
	bw := bufio.NewWriter(tmp)
	if err := write(bw); err != nil {
		tmp.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
