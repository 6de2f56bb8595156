package spec

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ipcSysctls are the System V IPC sysctls namespaced by the IPC namespace
// (plus fs.mqueue.*), runc's list.
var ipcSysctls = map[string]bool{
	"kernel.msgmax": true, "kernel.msgmnb": true, "kernel.msgmni": true, "kernel.sem": true,
	"kernel.shmall": true, "kernel.shmmax": true, "kernel.shmmni": true, "kernel.shm_rmid_forced": true,
}

// nsPrivacy says which namespaces the container has of its own.
type nsPrivacy struct{ ipc, net, uts bool }

// validateSysctl accepts only sysctls that live in one of the container's
// own namespaces. Docker leaves this check to runc; its messages are kept.
func validateSysctl(key string, ns nsPrivacy) error {
	// runc accepts "/" as a separator too
	k := strings.ReplaceAll(key, "/", ".")
	switch {
	case ipcSysctls[k] || strings.HasPrefix(k, "fs.mqueue."):
		if !ns.ipc {
			return invalidf("sysctl %s is not allowed in the hosts ipc namespace", strconv.Quote(key))
		}
		return nil
	case strings.HasPrefix(k, "net."):
		if !ns.net {
			return invalidf("sysctl %s is not allowed in the hosts network namespace", strconv.Quote(key))
		}
		return nil
	case ns.uts && k == "kernel.domainname":
		return nil
	case ns.uts && k == "kernel.hostname":
		return invalidf("sysctl %s is not allowed as it conflicts with the OCI %q field", strconv.Quote(key), "hostname")
	}
	return invalidf("sysctl %s is not in a separate kernel namespace", strconv.Quote(key))
}

// procSys is where sysctlExists looks; a var for tests.
var procSys = "/proc/sys"

// sysctlExists reports whether this kernel has the sysctl (setting one it
// lacks would fail the start).
func sysctlExists(key string) bool {
	_, err := os.Stat(filepath.Join(procSys, strings.ReplaceAll(key, ".", "/")))
	return err == nil
}

// defaultSysctls are the ones Docker adds for a container with its own
// network namespace: bind ports below 1024 without CAP_NET_BIND_SERVICE,
// and (outside a user namespace, where the gid range cannot be mapped)
// ping without CAP_NET_RAW.
func defaultSysctls(ownNetNS, rootless bool) map[string]string {
	out := map[string]string{}
	if !ownNetNS {
		return out
	}
	if !rootless && sysctlExists("net.ipv4.ping_group_range") {
		out["net.ipv4.ping_group_range"] = "0 2147483647"
	}
	if sysctlExists("net.ipv4.ip_unprivileged_port_start") {
		out["net.ipv4.ip_unprivileged_port_start"] = "0"
	}
	return out
}
