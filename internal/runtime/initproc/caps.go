package initproc

import (
	"strings"

	"github.com/moby/sys/capability"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// capsByName maps "CAP_CHOWN" to the capability.
var capsByName = func() map[string]capability.Cap {
	m := map[string]capability.Cap{}
	for _, c := range capability.ListKnown() {
		m["CAP_"+strings.ToUpper(c.String())] = c
	}
	return m
}()

// capList turns spec names into capabilities the kernel knows. Unknown or
// newer-than-kernel names are skipped, as runc does.
func capList(names []string, last capability.Cap) []capability.Cap {
	var out []capability.Cap
	for _, n := range names {
		if c, ok := capsByName[strings.ToUpper(n)]; ok && c <= last {
			out = append(out, c)
		}
	}
	return out
}

// dropBounding limits the bounding set of this thread to the spec's, so
// that no later execve can gain more.
func dropBounding(c *specs.LinuxCapabilities) error {
	if c == nil {
		return nil
	}
	caps, last, err := threadCaps()
	if err != nil {
		return err
	}
	caps.Clear(capability.BOUNDING)
	caps.Set(capability.BOUNDING, capList(c.Bounding, last)...)
	return caps.Apply(capability.BOUNDS)
}

// applyCaps sets this thread's effective, permitted, inheritable and
// ambient sets to the spec's (after the user switch).
func applyCaps(c *specs.LinuxCapabilities) error {
	if c == nil {
		return nil
	}
	caps, last, err := threadCaps()
	if err != nil {
		return err
	}
	caps.Clear(capability.CAPS | capability.AMBS)
	caps.Set(capability.EFFECTIVE, capList(c.Effective, last)...)
	caps.Set(capability.PERMITTED, capList(c.Permitted, last)...)
	caps.Set(capability.INHERITABLE, capList(c.Inheritable, last)...)
	caps.Set(capability.AMBIENT, capList(c.Ambient, last)...)
	return caps.Apply(capability.CAPS | capability.AMBS)
}

// threadCaps loads the calling thread's capabilities (pid 0).
func threadCaps() (capability.Capabilities, capability.Cap, error) {
	last, err := capability.LastCap()
	if err != nil {
		return nil, 0, err
	}
	caps, err := capability.NewPid2(0)
	if err != nil {
		return nil, 0, err
	}
	if err := caps.Load(); err != nil {
		return nil, 0, err
	}
	return caps, last, nil
}
