package spec

import (
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/moby/sys/capability"
)

const allCaps = "ALL"

// capName is the kernel-style name of c, e.g. "CAP_CHOWN".
func capName(c capability.Cap) string { return "CAP_" + strings.ToUpper(c.String()) }

// knownCaps are all capability names the library knows, whether or not
// this kernel has them.
var knownCaps = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, c := range capability.ListKnown() {
		m[capName(c)] = true
	}
	return m
})

// availableCaps lists the capabilities this kernel supports and the engine
// holds in its bounding set: what "ALL" and --privileged grant. A var so
// tests can fix it.
var availableCaps = sync.OnceValue(func() []string {
	supported, err := capability.ListSupported()
	if err != nil {
		supported = capability.ListKnown()
	}
	self, err := capability.NewPid2(0)
	if err == nil {
		err = self.Load()
	}
	var out []string
	for _, c := range supported {
		if err != nil || self.Get(capability.BOUNDING, c) {
			out = append(out, capName(c))
		}
	}
	return out
})

// normalizeCaps upper-cases names, adds the CAP_ prefix and checks that
// each is known and available; "ALL" passes through. Docker's messages.
func normalizeCaps(list []string) ([]string, error) {
	avail := availableCaps()
	out := make([]string, 0, len(list))
	for _, c := range list {
		c = strings.ToUpper(c)
		if c == allCaps {
			out = append(out, c)
			continue
		}
		if !strings.HasPrefix(c, "CAP_") {
			c = "CAP_" + c
		}
		if !knownCaps()[c] {
			return nil, invalidf("unknown capability: %s", strconv.Quote(c))
		}
		if !slices.Contains(avail, c) {
			return nil, invalidf("capability not supported by your kernel or not available in the current environment: %s", strconv.Quote(c))
		}
		out = append(out, c)
	}
	return out, nil
}

// validateCaps normalizes CapAdd and CapDrop, with Docker's message
// prefixes on error.
func validateCaps(adds, drops []string) (add, drop []string, err error) {
	if add, err = normalizeCaps(adds); err != nil {
		return nil, nil, invalidf("invalid CapAdd: %s", err.Error())
	}
	if drop, err = normalizeCaps(drops); err != nil {
		return nil, nil, invalidf("invalid CapDrop: %s", err.Error())
	}
	return add, drop, nil
}

// capabilities computes the process's capability list from the defaults,
// --cap-add, --cap-drop and --privileged, as Docker does: ALL in adds
// grants everything but the drops; ALL in drops keeps only the adds.
func capabilities(adds, drops []string, privileged bool) ([]string, error) {
	if privileged {
		return slices.Clone(availableCaps()), nil
	}
	add, drop, err := validateCaps(adds, drops)
	if err != nil {
		return nil, err
	}
	var out []string
	switch {
	case slices.Contains(add, allCaps):
		for _, c := range availableCaps() {
			if !slices.Contains(drop, c) {
				out = append(out, c)
			}
		}
	case slices.Contains(drop, allCaps):
		out = add
	default:
		for _, c := range DefaultCapabilities() {
			if !slices.Contains(drop, c) {
				out = append(out, c)
			}
		}
		for _, c := range add {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	if out == nil {
		out = []string{}
	}
	return out, nil
}
