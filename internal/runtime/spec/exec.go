package spec

import (
	"slices"

	"github.com/moby/moby/api/types/container"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// ExecEnv is the environment of a process exec'd into a container, as
// dockerd builds it: PATH, HOSTNAME and (for a tty exec) TERM, then the
// container's Config.Env, then the exec's own. HOME is not set here: the
// exec process takes it from its user's passwd entry when unset, as runc.
func ExecEnv(cfg *container.Config, tty bool, env []string) []string {
	out := []string{"PATH=" + DefaultPathEnv, "HOSTNAME=" + cfg.Hostname}
	if tty {
		out = append(out, "TERM=xterm")
	}
	out = mergeEnv(out, cfg.Env)
	return mergeEnv(out, env)
}

// ExecUser resolves an exec's --user (uid[:gid] or name[:group]) against
// the container's /etc/passwd and /etc/group, with the container's
// --group-add, as dockerd does; errors are InvalidArgument with Docker's
// words.
func ExecUser(rootfs, user string, groupAdd []string, singleID bool) (specs.User, error) {
	u, _, err := resolveUser(rootfs, user, groupAdd)
	if err != nil {
		return specs.User{}, err
	}
	if singleID {
		if err := checkSingleID(&u); err != nil {
			return specs.User{}, err
		}
	}
	return u, nil
}

// PrivilegedExecCaps are the capabilities of `docker exec --privileged`:
// every one the engine holds, bounding, permitted and effective, as
// dockerd gives them (inheritable and ambient stay empty).
func PrivilegedExecCaps() *specs.LinuxCapabilities {
	all := availableCaps()
	return &specs.LinuxCapabilities{
		Bounding:  slices.Clone(all),
		Permitted: slices.Clone(all),
		Effective: slices.Clone(all),
	}
}
