package initproc

import (
	"errors"
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// setup prepares the container around the process: network, root
// filesystem, names, sysctls, protected paths and limits. It runs as
// root of the container's user namespace.
func setup(spec *specs.Spec) error {
	if !newNamespace(spec, specs.MountNamespace) {
		return errors.New("init needs a new mount namespace")
	}
	userns := inUserNS()
	if newNamespace(spec, specs.NetworkNamespace) {
		if err := loopbackUp(); err != nil {
			return err
		}
	}
	if err := prepareRootfs(spec, userns); err != nil {
		return err
	}
	// Before a read-only root can refuse it.
	u := spec.Process.User
	if err := makeCwd(spec.Process.Cwd, int(u.UID), int(u.GID)); err != nil {
		return fmt.Errorf("creating cwd %q: %w", spec.Process.Cwd, err)
	}
	if spec.Root.Readonly {
		if err := remountRootReadonly(); err != nil {
			return fmt.Errorf("making the root read-only: %w", err)
		}
	}
	if err := setNames(spec); err != nil {
		return err
	}
	if spec.Linux != nil {
		if err := writeSysctls(spec.Linux.Sysctl); err != nil {
			return err
		}
		if err := readonlyPaths(spec.Linux.ReadonlyPaths); err != nil {
			return fmt.Errorf("read-only paths: %w", err)
		}
		if err := maskPaths(spec.Linux.MaskedPaths); err != nil {
			return fmt.Errorf("masked paths: %w", err)
		}
	}
	if err := setOOMScoreAdj(spec.Process.OOMScoreAdj, userns); err != nil {
		return fmt.Errorf("oom_score_adj: %w", err)
	}
	return setRlimits(spec.Process.Rlimits)
}
