// Package seccomp turns Docker seccomp profiles into the OCI spec's
// LinuxSeccomp (ForSpec), compiles that to a classic BPF filter in pure Go,
// without libseccomp (Compile), and loads the filter (Install).
package seccomp

import (
	"runtime"

	"github.com/containerd/errdefs"
	profiles "github.com/moby/profiles/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Values of the seccomp= security option (and daemon.json's
// seccomp-profile) with a meaning of their own, as in dockerd.
const (
	Unconfined = "unconfined" // no filter
	Builtin    = "builtin"    // Docker's default profile, like ""
)

// ForSpec returns the seccomp profile for a container given the value of its
// seccomp= security option: "" or "builtin" is Docker's default profile,
// "unconfined" none (nil), anything else the profile JSON itself, as the docker CLI sends it.
// Rules are filtered for the spec's bounding capabilities, the architecture
// and the kernel, as dockerd does. A profile that cannot be used is an
// errdefs.ErrInvalidArgument (or ErrNotImplemented for what skiff lacks), so
// that create fails rather than start.
func ForSpec(opt string, s *specs.Spec) (*specs.LinuxSeccomp, error) {
	if opt == Unconfined {
		return nil, nil
	}
	rs := withCaps(s)
	var (
		sc  *specs.LinuxSeccomp
		err error
	)
	if opt == "" || opt == Builtin {
		sc, err = profiles.GetDefaultProfile(rs)
	} else {
		sc, err = profiles.LoadProfile(opt, rs)
	}
	if err != nil {
		return nil, errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	if sc == nil {
		// No default action and no rules: Docker runs such a profile
		// unconfined too.
		return nil, nil
	}
	if _, ok := platforms[runtime.GOARCH]; ok {
		if _, err := compile(sc, runtime.GOARCH); err != nil {
			return nil, err
		}
	}
	return sc, nil
}

// withCaps returns s, or a copy with empty capabilities where it has none:
// the profile library reads Process.Capabilities.Bounding unchecked.
func withCaps(s *specs.Spec) *specs.Spec {
	if s != nil && s.Process != nil && s.Process.Capabilities != nil {
		return s
	}
	c := specs.Spec{}
	if s != nil {
		c = *s
	}
	p := specs.Process{}
	if c.Process != nil {
		p = *c.Process
	}
	p.Capabilities = &specs.LinuxCapabilities{}
	c.Process = &p
	return &c
}
