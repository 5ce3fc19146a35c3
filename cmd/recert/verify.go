package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/recert/recert/credential/resolve"
	"github.com/recert/recert/credential/verify"
)

const verifyLong = `verify checks each FILE (- for stdin), one credential each: a VC-JWT (the compact token, as in
the jwt of GET /v1/candidates/{id}/credentials), or the JSON credential with its Data Integrity proof.
It checks the signature, the issuer, the OB 3.0 schema, the dates and the status lists, and
prints FILE: STATE with the issuer, certification, holder and dates, or the check that failed.
Exit status: 0 when every credential is valid and active (or expiring soon), 1 when any is not
(or a file cannot be read), 2 for a usage error.

It works offline, against a cache directory (--cache) of issuers' DID documents (their keys)
and status lists, each kept with when it was fetched and its ttl. --fetch refreshes them from
the network first: the did:web document of each credential's issuer (did:web:host%3Aport is
https://host:port/.well-known/did.json) and every status list a credential points to; a list
is cached only once its proof by the issuer holds. Fetches use https; plain http is allowed
only for this machine (localhost, 127.0.0.1, ::1), so a local recert serve can be checked.
Without --fetch, a credential whose issuer or status list is not cached fails and says to run
with --fetch. A cached status list past its ttl is still used, with a warning on stderr saying
how old it is: a revocation since then would not show until the next --fetch.

Trust is on first fetch: an issuer is trusted when its DID document is in the cache, put there
by --fetch (for the issuers of the credentials given) or by --trust did:web:... . Fetch only for
issuers you mean to trust, or add them with --trust and verify offline afterwards.`

func newVerify() *cobra.Command {
	var cacheDir string
	var fetch, asJSON bool
	var trust []string
	var expiring time.Duration
	cmd := &cobra.Command{
		Use:   "verify FILE...",
		Short: "Verify credentials offline against cached issuer keys and status lists (--fetch refreshes them)",
		Long:  verifyLong,
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && len(trust) == 0 {
				return usage(cmd, "give at least one FILE (- for stdin), or --trust DID")
			}
			for _, did := range trust {
				if _, err := resolve.DocumentURL(did); err != nil {
					return usage(cmd, fmt.Sprintf("--trust %q: want a did:web identifier", did))
				}
			}
			stdin := 0
			for _, a := range args {
				if a == "-" {
					stdin++
				}
			}
			if stdin > 1 {
				return usage(cmd, "- (stdin) may be given once")
			}
			if cacheDir == "" {
				dir, err := os.UserCacheDir()
				if err != nil {
					return usage(cmd, "no user cache directory ("+err.Error()+"); give --cache DIR")
				}
				cacheDir = filepath.Join(dir, "recert", "verify")
			}
			r := &resolve.Resolver{Cache: resolve.Cache{Dir: cacheDir}, Online: fetch, Fetcher: &resolve.Fetcher{},
				ExpiringWithin: expiring, Hint: "run recert verify --fetch (or --trust the issuer's DID)"}
			return runVerify(cmd, r, args, trust, asJSON)
		},
	}
	cmd.Flags().StringVar(&cacheDir, "cache", "", "the cache directory of issuers' DID documents and status lists (default: the user cache directory's recert/verify)")
	cmd.Flags().BoolVar(&fetch, "fetch", false, "fetch the issuers' DID documents and the status lists first (trusting those issuers), and cache them")
	cmd.Flags().StringArrayVar(&trust, "trust", nil, "fetch and cache this issuer's DID document (did:web:...), trusting it; repeatable")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the results as JSON")
	cmd.Flags().DurationVar(&expiring, "expiring-within", 90*24*time.Hour, "how close to its validUntil a credential counts as expiring soon")
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usage(c, err.Error()) })
	return cmd
}

// usage reports a usage error: exit status 2, as the help says.
func usage(cmd *cobra.Command, msg string) error {
	fmt.Fprintf(cmd.ErrOrStderr(), "recert verify: %s\n%s", msg, cmd.UsageString())
	return &exitError{code: 2}
}

// fileReport is one FILE's result, for --json.
type fileReport struct {
	File string `json:"file"`
	resolve.Report
}

func runVerify(cmd *cobra.Command, r *resolve.Resolver, files, trust []string, asJSON bool) error {
	ctx, out, errOut := cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr()
	for _, did := range trust {
		if err := r.Trust(ctx, did); err != nil {
			fmt.Fprintf(errOut, "recert verify: --trust %s: %v\n", did, err)
			return &exitError{code: 1}
		}
		fmt.Fprintf(errOut, "trusted %s (its DID document is in %s)\n", did, r.Cache.Dir)
	}
	var reports []fileReport
	ok := true
	for _, name := range files {
		rep := verifyFile(cmd, r, name)
		reports = append(reports, fileReport{File: name, Report: rep})
		if rep.State != verify.StateActive && rep.State != verify.StateExpiringSoon {
			ok = false
		}
		for _, w := range rep.Warnings {
			fmt.Fprintf(errOut, "warning: %s: %s\n", name, w)
		}
		if !asJSON {
			printReport(out, name, rep)
		}
	}
	if asJSON && len(reports) > 0 {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(reports); err != nil {
			return err
		}
	}
	if !ok {
		return &exitError{code: 1}
	}
	return nil
}

// verifyFile reads and verifies one file; a file that cannot be read is
// a failed format check, like any other input that is no credential.
func verifyFile(cmd *cobra.Command, r *resolve.Resolver, name string) resolve.Report {
	var in io.Reader = cmd.InOrStdin()
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return unreadable(err.Error())
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil && fi.IsDir() {
			return unreadable("a directory, not a credential file")
		}
		in = f
	}
	b, err := resolve.ReadCredential(in)
	if err != nil {
		return unreadable(err.Error())
	}
	return r.Verify(cmd.Context(), b)
}

func unreadable(detail string) resolve.Report {
	return resolve.Report{Result: verify.Result{State: verify.StateInvalid,
		Checks: []verify.Check{{Name: verify.CheckFormat, Detail: detail}}}}
}

// printReport writes FILE: STATE and what a person checks next.
func printReport(w io.Writer, name string, rep resolve.Report) {
	fmt.Fprintf(w, "%s: %s\n", name, rep.State)
	field := func(label, value string) {
		if value != "" {
			fmt.Fprintf(w, "  %-14s %s\n", label+":", value)
		}
	}
	field("issuer", rep.Issuer)
	field("certification", rep.Certification)
	field("holder", rep.Holder)
	if rep.ValidFrom != nil {
		field("valid from", rep.ValidFrom.Format(time.RFC3339))
	}
	if rep.ValidUntil != nil {
		field("valid until", rep.ValidUntil.Format(time.RFC3339))
	}
	for _, c := range rep.Checks {
		if !c.OK {
			field("failed", c.Name+": "+c.Detail)
		}
	}
}
