package initproc

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// ExecRole is the value of _SKIFF_ROLE for a process exec'd into a
// running container (docker exec), run from the sealed binary. Parked
// (EnvExecParked, see exec_parked.go) it is started ahead in the engine's
// namespaces and, on a request, joins the container's on a throw-away
// thread, hardens that thread and starts the user's program from it.
// Otherwise (a container with a cgroup: its fork must use clone3) the
// engine starts it already inside the container's namespaces and cgroup;
// it hardens itself (rlimits, user, capabilities, no_new_privs, seccomp)
// and execve's the user's program, as runc's setns init does.
const ExecRole = "exec"

// Exec role file descriptors: the sync socket (as init's) and a memfd
// with a spec holding only Process and Linux.Seccomp.
const (
	FdExecSync = fdSync
	FdExecSpec = fdSpec
)

func init() {
	// As for init: everything up to execve must happen on one thread.
	if os.Getenv(envRole) == ExecRole {
		runtime.LockOSThread()
	}
}

// ExecMain runs the exec role; it returns only on failure, with Docker's
// exit code for it (126, 127, else 125), after telling the engine why.
func ExecMain() int {
	sync := newSyncConn(fdSync)
	if os.Getenv(EnvExecParked) == "1" {
		return execParked(sync)
	}
	spec, err := readExecSpec()
	if err != nil {
		return sync.fail(setupError(err))
	}
	if err := setRlimits(spec.Process.Rlimits); err != nil {
		return sync.fail(setupError(err))
	}
	filter, err := processSeccomp(spec)
	if err != nil {
		return sync.fail(err)
	}
	return sync.fail(runProcess(spec, filter, sync))
}

func readExecSpec() (*specs.Spec, error) {
	f := os.NewFile(fdSpec, "spec")
	defer f.Close()
	var spec specs.Spec
	if err := json.NewDecoder(f).Decode(&spec); err != nil {
		return nil, fmt.Errorf("reading the exec spec: %w", err)
	}
	if spec.Process == nil || len(spec.Process.Args) == 0 {
		return nil, fmt.Errorf("the exec spec has no process args")
	}
	if spec.Process.Cwd == "" {
		spec.Process.Cwd = "/"
	}
	return &spec, nil
}
