// Package check is `skiff check`: a doctor that tells a user whether this
// host can run skiff rootless, and for each problem, the one command or
// setting that fixes it.
package check

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// Status is the outcome of one check.
type Status string

// Statuses, from best to worst. Only StatusFail affects the exit code.
const (
	StatusOK   Status = "ok"
	StatusInfo Status = "info" // nothing wrong; a fact worth knowing
	StatusSkip Status = "skip" // does not apply (e.g. rootless-only, run as root)
	StatusWarn Status = "warn" // skiff works, degraded
	StatusFail Status = "fail" // skiff cannot run
)

// Result is one line of the report.
type Result struct {
	Name   string `json:"name"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
}

// Report is the whole outcome, as printed by --format json.
type Report struct {
	User    string   `json:"user"`
	UID     int      `json:"uid"`
	Rootful bool     `json:"rootful"`
	Checks  []Result `json:"checks"`
}

// ExitCode is 1 when any check failed (skiff cannot run), else 0:
// warnings alone must not break scripts that gate on `skiff check`.
func ExitCode(results []Result) int {
	for _, r := range results {
		if r.Status == StatusFail {
			return 1
		}
	}
	return 0
}

// Main runs `skiff check`; args are the arguments after "check".
// It prints the report to stdout and returns the exit code.
func Main(args []string) int {
	return run(args, os.Stdout, os.Stderr)
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("skiff check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text or json")
	userName := fs.String("user", "", "as root: check rootless readiness for this user (default $SUDO_USER)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: skiff check [--format text|json] [--user NAME]")
		fmt.Fprintln(stderr, "\nCheck whether this host can run skiff rootless, and how to fix what is missing.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "skiff check: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "skiff check: unknown format %q: use text or json\n", *format)
		return 2
	}
	e, err := newEnv(*userName)
	if err != nil {
		fmt.Fprintf(stderr, "skiff check: %v\n", err)
		return 2
	}
	rep := Report{User: e.name, UID: e.uid, Rootful: e.rootful, Checks: e.runAll()}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return 2
		}
	} else {
		writeText(stdout, rep)
	}
	return ExitCode(rep.Checks)
}

// writeText prints one line per check, its fix indented below, then a
// summary line.
func writeText(w io.Writer, rep Report) {
	var warns, fails int
	for _, r := range rep.Checks {
		fmt.Fprintf(w, "%-6s %s: %s\n", "["+string(r.Status)+"]", r.Name, r.Detail)
		if r.Fix != "" && r.Status != StatusOK {
			fmt.Fprintf(w, "       fix: %s\n", r.Fix)
		}
		switch r.Status {
		case StatusWarn:
			warns++
		case StatusFail:
			fails++
		}
	}
	verdict := "skiff can run rootless"
	switch {
	case rep.Rootful:
		verdict = "skiff will run rootful"
	case fails > 0:
		verdict = "skiff cannot run rootless until the failures above are fixed"
	case warns > 0:
		verdict = "skiff can run rootless, with the limitations above"
	}
	fmt.Fprintf(w, "\n%d %s, %d %s: %s.\n", fails, plural(fails, "failure"), warns, plural(warns, "warning"), verdict)
}

func plural(n int, s string) string {
	if n == 1 {
		return s
	}
	return s + "s"
}

// joinAnd formats a list for a message: "a", "a and b", "a, b and c".
func joinAnd(xs []string) string {
	if len(xs) <= 1 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}
