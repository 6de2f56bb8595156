package procinfo

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
)

// psCommand is the ps program Top runs; tests name a missing one.
var psCommand = "ps"

// Top lists the processes among pids as `ps psArgs` shows them ("" is
// "-ef"), as dockerd's GET /containers/{id}/top does: ps runs over the
// whole host and only the rows whose PID is one of pids are kept. Without
// ps on the host, the default "-ef" columns are built from /proc; other
// ps arguments then fail, naming the procps package.
func Top(pids []int, psArgs string) (container.TopResponse, error) {
	if psArgs == "" {
		psArgs = "-ef"
	}
	if err := validatePSArgs(psArgs); err != nil {
		return container.TopResponse{}, errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	if _, err := exec.LookPath(psCommand); err != nil {
		if psArgs == "-ef" {
			return topFromProc(pids)
		}
		return container.TopResponse{}, errdefs.ErrUnavailable.WithMessage(
			"ps: not found on the engine's host; install the procps package to use ps options other than -ef")
	}
	args := strings.Split(psArgs, " ")
	out, err := exec.Command(psCommand, append(args, pidsArg(pids))...).Output()
	if err != nil {
		// Some options (such as f) cannot be combined with -q.
		out, err = exec.Command(psCommand, args...).Output()
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				if line, _, _ := bytes.Cut(ee.Stderr, []byte("\n")); len(line) > 0 {
					err = errors.New(string(line))
				}
			}
			return container.TopResponse{}, fmt.Errorf("ps: %w", err)
		}
	}
	return parsePSOutput(out, pids)
}

// pidsArg restricts ps to the pids (procps's -q), which is much faster
// than listing the host when it works.
func pidsArg(pids []int) string {
	s := make([]string, len(pids))
	for i, p := range pids {
		s[i] = strconv.Itoa(p)
	}
	return "-q" + strings.Join(s, ",")
}

// A format option may rename a column (-o pid=X), but not the PID
// column: dockerd refuses `key=PID...` unless key is pid.
var renamedPID = regexp.MustCompile(`\s+([^\s]*)=\s*(PID[^\s]*)`)

func validatePSArgs(psArgs string) error {
	for _, g := range renamedPID.FindAllStringSubmatch(psArgs, -1) {
		if g[1] != "pid" {
			return fmt.Errorf("specifying \"%s=%s\" is not allowed", g[1], g[2])
		}
	}
	return nil
}

// fieldsASCII splits on ASCII white space only: ps output may hold other
// Unicode spaces inside a command line.
func fieldsASCII(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		switch r {
		case '\t', '\n', '\f', '\r', ' ':
			return true
		}
		return false
	})
}

// parsePSOutput keeps the rows of pids. The last column takes the rest of
// the line (a command with arguments). A row whose PID is "-" is a thread
// (ps m) of the row above and goes with it.
func parsePSOutput(out []byte, pids []int) (container.TopResponse, error) {
	lines := strings.Split(string(out), "\n")
	resp := container.TopResponse{Titles: fieldsASCII(lines[0]), Processes: [][]string{}}
	pidCol := slices.Index(resp.Titles, "PID")
	if pidCol < 0 {
		return container.TopResponse{}, errors.New("Couldn't find PID field in ps output")
	}
	keepThreads := false
	for _, line := range lines[1:] {
		f := fieldsASCII(line)
		if len(f) == 0 {
			continue
		}
		if len(f) <= pidCol {
			return container.TopResponse{}, fmt.Errorf("unexpected ps output line %q", line)
		}
		if f[pidCol] == "-" {
			if keepThreads {
				resp.Processes = append(resp.Processes, row(f, len(resp.Titles)))
			}
			continue
		}
		pid, err := strconv.Atoi(f[pidCol])
		if err != nil {
			return container.TopResponse{}, fmt.Errorf("Unexpected pid '%s': %s", f[pidCol], err)
		}
		keepThreads = slices.Contains(pids, pid)
		if keepThreads {
			resp.Processes = append(resp.Processes, row(f, len(resp.Titles)))
		}
	}
	return resp, nil
}

// row fits fields to n columns, joining the overhang into the last one.
func row(f []string, n int) []string {
	if len(f) <= n {
		return f
	}
	r := slices.Clone(f[:n-1])
	return append(r, strings.Join(f[n-1:], " "))
}
