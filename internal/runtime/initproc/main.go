// Package initproc is the container init role: the first process in a new
// container's namespaces. It builds the root filesystem, sets up the
// namespaces it owns, tells the shim it is ready, waits for start, then
// switches to the container's user and capabilities and execve's the
// user's process (or, for docker run --init, stays PID 1 as a tiny init).
package initproc

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Role is the value of _SKIFF_ROLE that selects this role.
const Role = "init"

// Environment the shim (and init itself, for --init) sets.
const (
	envRole   = "_SKIFF_ROLE"
	envBundle = "_SKIFF_BUNDLE"
	// envTini asks for docker run --init: init stays PID 1 and reaps.
	envTini = "_SKIFF_INIT_TINI"
	// envChild marks the re-exec of init that becomes the user's process
	// under --init; the spec comes on fdSpec.
	envChild = "_SKIFF_INIT_CHILD"
)

// fdSync is the shim's sync socket; fdSpec carries the spec to the --init
// child, which can no longer read the bundle after pivot_root.
const (
	fdSync = 3
	fdSpec = 4
)

func init() {
	// Credentials, capabilities, no_new_privs and seccomp are per thread:
	// everything from here to execve must happen on this one thread.
	if os.Getenv(envRole) == Role {
		runtime.LockOSThread()
	}
}

// Main runs the init role and returns its exit code (it only returns on
// failure, or as the --init PID 1 when the user's process ended).
func Main() int {
	sync := newSyncConn(fdSync)
	if os.Getenv(envChild) == "1" {
		return runChild(sync)
	}
	spec, err := loadSpec(os.Getenv(envBundle))
	if err != nil {
		return sync.fail(setupError(err))
	}
	// Device nodes and mount points get exactly the modes the spec names.
	unix.Umask(0)
	if err := setup(spec); err != nil {
		return sync.fail(setupError(err))
	}
	if os.Getenv(envTini) == "1" {
		return runTini(sync, spec)
	}
	filter, err := processSeccomp(spec)
	if err != nil {
		return sync.fail(err)
	}
	if err := sync.ready(); err != nil {
		return sync.fail(setupError(err))
	}
	if err := sync.awaitStart(); err != nil {
		return sync.fail(setupError(err))
	}
	return sync.fail(runProcess(spec, filter, sync))
}

// runChild is the user's process under --init: the credential part and
// execve, with the spec from fdSpec.
func runChild(sync *syncConn) int {
	f := os.NewFile(fdSpec, "spec")
	var spec specs.Spec
	err := json.NewDecoder(f).Decode(&spec)
	f.Close()
	if err != nil {
		return sync.fail(setupError(fmt.Errorf("reading the spec from init: %w", err)))
	}
	filter, err := processSeccomp(&spec)
	if err != nil {
		return sync.fail(err)
	}
	return sync.fail(runProcess(&spec, filter, sync))
}

func loadSpec(bundle string) (*specs.Spec, error) {
	if bundle == "" {
		return nil, fmt.Errorf("%s is not set", envBundle)
	}
	b, err := os.ReadFile(filepath.Join(bundle, "config.json"))
	if err != nil {
		return nil, err
	}
	var spec specs.Spec
	if err := json.Unmarshal(b, &spec); err != nil {
		return nil, fmt.Errorf("parsing config.json: %w", err)
	}
	if spec.Root == nil || spec.Root.Path == "" {
		return nil, fmt.Errorf("config.json has no root path")
	}
	if spec.Process == nil || len(spec.Process.Args) == 0 {
		return nil, fmt.Errorf("config.json has no process args")
	}
	if spec.Process.Cwd == "" {
		spec.Process.Cwd = "/"
	}
	if !filepath.IsAbs(spec.Root.Path) {
		spec.Root.Path = filepath.Join(bundle, spec.Root.Path)
	}
	return &spec, nil
}
