package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/recert/recert/policy"
	"github.com/recert/recert/scenario"
)

// candidateFlags are what status and plan share: the history file, the
// moment to judge it at and the output form.
type candidateFlags struct {
	at      string
	asJSON  bool
	explain bool
}

func (f *candidateFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.at, "at", "", "the moment to judge at, RFC 3339 (default: now)")
	cmd.Flags().BoolVar(&f.asJSON, "json", false, "print JSON instead of a table")
	programFlag(cmd)
}

// load reads the program, the history file and the moment. The clock is
// read here, in the command, never in the engine.
func (f *candidateFlags) load(cmd *cobra.Command, path string) (*policy.Program, *policy.History, time.Time, error) {
	p, err := loadProgram(cmd)
	if err != nil {
		return nil, nil, time.Time{}, err
	}
	at := time.Now()
	if f.at != "" {
		if at, err = time.Parse(time.RFC3339, f.at); err != nil {
			return nil, nil, at, fmt.Errorf("--at: %q is not an RFC 3339 instant", f.at)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, at, err
	}
	c, err := scenario.ParseCandidate(data)
	if err != nil {
		return nil, nil, at, fmt.Errorf("%s: %w", path, err)
	}
	h, err := p.NewHistory(c.Zone, c.Events)
	if err != nil {
		return nil, nil, at, fmt.Errorf("%s: %w", path, err)
	}
	return p, h, at, nil
}

func newStatus() *cobra.Command {
	var f candidateFlags
	cmd := &cobra.Command{
		Use:   "status HISTORY",
		Short: "Show a candidate's certifications, vouchers, exams and open appointments",
		Long: "status reads a history file ({\"time_zone\": ..., \"history\": [...]}, events as in\n" +
			"recert decide) and shows each certification's state and expiry, unused vouchers,\n" +
			"and the next date each exam can be booked for.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, h, at, err := f.load(cmd, args[0])
			if err != nil {
				return err
			}
			r := p.Report(h, at)
			if f.asJSON {
				return writeJSON(cmd.OutOrStdout(), statusJSON(p, h, r))
			}
			printStatus(cmd.OutOrStdout(), p, h, r)
			return nil
		},
	}
	f.register(cmd)
	return cmd
}

func printStatus(out io.Writer, p *policy.Program, h *policy.History, r policy.Report) {
	fmt.Fprintf(out, "Program %s, as of %s (%s)\n\n", r.Program, r.Date, h.Zone())
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CERTIFICATION\tSTATE\tEXPIRES\tNEXT REMINDER\tBY")
	if len(r.Certifications) == 0 {
		fmt.Fprintln(tw, "(none earned)\t\t\t\t")
	}
	for _, c := range r.Certifications {
		how := "earned"
		if c.Term.Renewed {
			how = "renewed"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s %s %s\n", c.ID, c.State, dateText(c.Expires, "never"), dateText(c.NextReminder, "-"),
			how, c.Term.BasisExam, c.Term.BasisDate)
	}
	tw.Flush()
	fmt.Fprintln(out)
	unused := 0
	for _, v := range r.Vouchers {
		if v.State == policy.VoucherUnused {
			unused++
		}
	}
	fmt.Fprintf(out, "Vouchers: %d unused of %d earned\n", unused, len(r.Vouchers))
	for _, v := range r.Vouchers {
		fmt.Fprintf(out, "  %d%% from %s passed %s: %s%s\n", v.Discount, v.FromExam, v.Issued, v.State, ifText(v.Expires != policy.NoDate, ", expires "+v.Expires.String()))
	}
	fmt.Fprintln(out)
	tw = tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EXAM\tSITTINGS\tLAST\tNEXT BOOKABLE DATE\tWHY")
	for _, e := range r.Exams {
		last := "-"
		if e.Sittings > 0 {
			last = fmt.Sprintf("%s %d %s", e.LastDate, e.LastScore, map[bool]string{true: "pass", false: "fail"}[e.LastPassed])
		}
		why := ""
		d := policy.Decision{Reasons: e.Reasons, Zone: h.Zone(), Subject: e.Exam}
		for i, s := range p.Explain(&d) {
			if i < len(e.Reasons) {
				why += s + " "
			}
		}
		if e.OpenAppointment != "" {
			why += "open appointment " + e.OpenAppointment
			if r := p.Rule("already_booked"); r != "" {
				why += " (" + r + ")"
			}
			why += ". "
		}
		if !e.RetryAt.IsZero() {
			why += "booking blocked by a no-show until " + e.RetryAt.In(h.Zone()).Format("2006-01-02 15:04 MST")
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", e.Exam, e.Sittings, last, dateText(e.NextDate, "none"), why)
	}
	tw.Flush()
	if len(r.Appointments) > 0 {
		fmt.Fprintln(out)
		tw = tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "APPOINTMENT\tEXAM\tSLOT\tCHANGE UNTIL\tRESCHEDULES")
		for _, a := range r.Appointments {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d%s\n", a.ID, a.Exam, a.Slot.In(h.Zone()).Format("2006-01-02 15:04 MST"),
				a.ChangeUntil.In(h.Zone()).Format("2006-01-02 15:04 MST"), a.Reschedules, ifText(!a.RescheduleOK, " (limit reached)"))
		}
		tw.Flush()
	}
}

type statusOut struct {
	Program        string           `json:"program"`
	Date           string           `json:"date"`
	TimeZone       string           `json:"time_zone"`
	Certifications []map[string]any `json:"certifications"`
	Vouchers       []map[string]any `json:"vouchers"`
	Exams          []map[string]any `json:"exams"`
	Appointments   []map[string]any `json:"appointments"`
}

func statusJSON(p *policy.Program, h *policy.History, r policy.Report) statusOut {
	o := statusOut{Program: r.Program, Date: r.Date.String(), TimeZone: h.Zone().String(),
		Certifications: []map[string]any{}, Vouchers: []map[string]any{}, Exams: []map[string]any{}, Appointments: []map[string]any{}}
	for _, c := range r.Certifications {
		o.Certifications = append(o.Certifications, map[string]any{"certification": c.ID, "name": c.Name, "state": c.State,
			"expires_on": dateJSON(c.Expires), "next_reminder": dateJSON(c.NextReminder), "basis_exam": c.Term.BasisExam,
			"basis_date": c.Term.BasisDate.String(), "renewed": c.Term.Renewed})
	}
	for _, v := range r.Vouchers {
		o.Vouchers = append(o.Vouchers, map[string]any{"from_exam": v.FromExam, "issued_on": v.Issued.String(), "expires_on": dateJSON(v.Expires),
			"discount_percent": v.Discount, "state": v.State, "appointment": v.Appointment})
	}
	for _, e := range r.Exams {
		m := map[string]any{"exam": e.Exam, "sittings": e.Sittings, "next_date": dateJSON(e.NextDate)}
		codes := []string{}
		for _, r := range e.Reasons {
			codes = append(codes, string(r.Code))
		}
		m["reasons"] = codes
		if e.OpenAppointment != "" {
			m["open_appointment"] = e.OpenAppointment
		}
		if !e.RetryAt.IsZero() {
			m["retry_at"] = e.RetryAt.UTC().Format(time.RFC3339)
		}
		if e.Sittings > 0 {
			m["last_date"], m["last_score"], m["last_passed"] = e.LastDate.String(), e.LastScore, e.LastPassed
		}
		o.Exams = append(o.Exams, m)
	}
	for _, a := range r.Appointments {
		o.Appointments = append(o.Appointments, map[string]any{"appointment": a.ID, "exam": a.Exam, "slot": a.Slot.UTC().Format(time.RFC3339),
			"change_until": a.ChangeUntil.UTC().Format(time.RFC3339), "reschedules": a.Reschedules, "can_reschedule": a.RescheduleOK})
	}
	return o
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func dateJSON(d policy.Date) any {
	if d == policy.NoDate {
		return nil
	}
	return d.String()
}

func dateText(d policy.Date, none string) string {
	if d == policy.NoDate {
		return none
	}
	return d.String()
}

func ifText(ok bool, s string) string {
	if ok {
		return s
	}
	return ""
}
