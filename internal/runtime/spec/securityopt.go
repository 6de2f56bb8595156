package spec

import (
	"strconv"
	"strings"
)

// securityOpts are the --security-opt values the spec builder acts on.
// seccomp= is applied by the engine (Input.Seccomp); apparmor= and label=
// are accepted and ignored: a rootless engine can use neither.
type securityOpts struct {
	noNewPrivileges bool
	writableCgroups *bool
}

// parseSecurityOpts parses HostConfig.SecurityOpt with Docker's rules and
// messages; "key:value" is the deprecated form of "key=value".
func parseSecurityOpts(opts []string) (securityOpts, error) {
	var out securityOpts
	for _, opt := range opts {
		switch opt {
		case "no-new-privileges":
			out.noNewPrivileges = true
			continue
		case "writable-cgroups":
			t := true
			out.writableCgroups = &t
			continue
		case "disable": // label=disable's short form
			continue
		}
		var k, v string
		var ok bool
		if strings.Contains(opt, "=") {
			k, v, ok = strings.Cut(opt, "=")
		} else if strings.Contains(opt, ":") {
			k, v, ok = strings.Cut(opt, ":")
		}
		if !ok {
			return out, invalidf("invalid --security-opt 1: %s", strconv.Quote(opt))
		}
		switch k {
		case "label", "apparmor", "seccomp":
		case "no-new-privileges":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return out, invalidf("invalid --security-opt 2: %s", strconv.Quote(opt))
			}
			out.noNewPrivileges = b
		case "writable-cgroups":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return out, invalidf("invalid --security-opt 2: %s", strconv.Quote(opt))
			}
			out.writableCgroups = &b
		default:
			return out, invalidf("invalid --security-opt 2: %s", strconv.Quote(opt))
		}
	}
	return out, nil
}
