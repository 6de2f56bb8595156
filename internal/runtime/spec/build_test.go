package spec

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/skiff-engine/skiff/internal/runtime/cgroups"
)

func TestBuildDefaults(t *testing.T) {
	in := input(t)
	in.Config.Entrypoint = []string{"/entry"}
	in.Config.Cmd = []string{"a", "b"}
	in.HostsPath, in.ResolvConfPath, in.HostnamePath = "/data/hosts", "/data/resolv.conf", "/data/hostname"
	seccomp := &specs.LinuxSeccomp{DefaultAction: specs.ActErrno}
	in.Seccomp = seccomp
	s, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	p := s.Process
	if !slices.Equal(p.Args, []string{"/entry", "a", "b"}) || p.Cwd != "/" || p.Terminal {
		t.Errorf("process = %+v", p)
	}
	if !slices.Equal(p.Capabilities.Bounding, DefaultCapabilities()) || !slices.Equal(p.Capabilities.Effective, DefaultCapabilities()) ||
		!slices.Equal(p.Capabilities.Permitted, DefaultCapabilities()) || len(p.Capabilities.Inheritable) != 0 || len(p.Capabilities.Ambient) != 0 {
		t.Errorf("caps = %+v", p.Capabilities)
	}
	if p.User.UID != 0 || p.User.GID != 0 || !slices.Equal(p.User.AdditionalGids, []uint32{0, 10}) {
		t.Errorf("user = %+v", p.User)
	}
	if s.Hostname != testID[:12] {
		t.Errorf("hostname = %q", s.Hostname)
	}
	if !slices.Equal(p.Env, []string{"PATH=/bin", "HOSTNAME=" + testID[:12], "HOME=/root"}) {
		t.Errorf("env = %q", p.Env)
	}
	if nofile := rlimit(s, "RLIMIT_NOFILE"); nofile == nil || nofile.Soft != 1<<20 || nofile.Hard != 1<<20 {
		t.Errorf("nofile = %+v", nofile)
	}
	if !slices.Equal(s.Linux.MaskedPaths, DefaultMaskedPaths()) || !slices.Equal(s.Linux.ReadonlyPaths, DefaultReadonlyPaths()) {
		t.Errorf("masked %q readonly %q", s.Linux.MaskedPaths, s.Linux.ReadonlyPaths)
	}
	if s.Linux.Seccomp != seccomp {
		t.Error("seccomp not passed on")
	}
	var types []string
	for _, n := range s.Linux.Namespaces {
		types = append(types, string(n.Type))
	}
	// cgroup v1 host: the host's cgroup namespace
	if !slices.Equal(types, []string{"mount", "network", "uts", "pid", "ipc"}) {
		t.Errorf("namespaces = %q", types)
	}
	var dests []string
	for _, m := range s.Mounts {
		dests = append(dests, m.Destination)
	}
	want := []string{"/proc", "/dev", "/dev/pts", "/sys", "/sys/fs/cgroup", "/dev/mqueue", "/dev/shm", "/etc/resolv.conf", "/etc/hostname", "/etc/hosts"}
	if !slices.Equal(dests, want) {
		t.Errorf("mounts = %q", dests)
	}
	if shm := findMount(s, "/dev/shm"); !slices.Contains(shm.Options, "size=67108864") {
		t.Errorf("shm = %+v", shm)
	}
	if pts := findMount(s, "/dev/pts"); !slices.Contains(pts.Options, "gid=5") {
		t.Errorf("devpts = %+v", pts)
	}
	if h := findMount(s, "/etc/hosts"); h.Source != "/data/hosts" || h.Type != "bind" || slices.Contains(h.Options, "ro") {
		t.Errorf("hosts = %+v", h)
	}
	if sys := findMount(s, "/sys"); !slices.Contains(sys.Options, "ro") {
		t.Errorf("sys = %+v", sys)
	}
	if s.Linux.Sysctl["net.ipv4.ip_unprivileged_port_start"] != "0" || s.Linux.Sysctl["net.ipv4.ping_group_range"] != "0 2147483647" {
		t.Errorf("sysctls = %v", s.Linux.Sysctl)
	}
	if len(s.Linux.Devices) != 0 || len(s.Linux.Resources.Devices) != 8 || s.Linux.Resources.Memory != nil {
		t.Errorf("devices %v resources %+v", s.Linux.Devices, s.Linux.Resources)
	}
	if p.OOMScoreAdj == nil || *p.OOMScoreAdj != 0 || p.NoNewPrivileges {
		t.Errorf("oom %v nnp %v", p.OOMScoreAdj, p.NoNewPrivileges)
	}
	if s.Root.Path != in.Rootfs || s.Root.Readonly {
		t.Errorf("root = %+v", s.Root)
	}
}

func TestBuildCases(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*Input)
		check  func(*testing.T, *specs.Spec)
	}{
		{"cap add lowercase without prefix", func(in *Input) {
			in.HostConfig.CapAdd = []string{"sys_admin", "CAP_NET_ADMIN"}
			in.HostConfig.CapDrop = []string{"chown", "Cap_Kill"}
		}, func(t *testing.T, s *specs.Spec) {
			c := s.Process.Capabilities.Bounding
			if !slices.Contains(c, "CAP_SYS_ADMIN") || !slices.Contains(c, "CAP_NET_ADMIN") || slices.Contains(c, "CAP_CHOWN") ||
				slices.Contains(c, "CAP_KILL") || len(c) != len(DefaultCapabilities()) {
				t.Errorf("caps = %q", c)
			}
		}},
		{"cap drop ALL add one", func(in *Input) {
			in.HostConfig.CapDrop = []string{"ALL"}
			in.HostConfig.CapAdd = []string{"net_bind_service"}
		}, func(t *testing.T, s *specs.Spec) {
			if c := s.Process.Capabilities.Effective; !slices.Equal(c, []string{"CAP_NET_BIND_SERVICE"}) {
				t.Errorf("caps = %q", c)
			}
		}},
		{"cap drop ALL", func(in *Input) { in.HostConfig.CapDrop = []string{"all"} }, func(t *testing.T, s *specs.Spec) {
			if c := s.Process.Capabilities.Permitted; c == nil || len(c) != 0 {
				t.Errorf("caps = %#v", c)
			}
		}},
		{"cap add ALL drop one", func(in *Input) {
			in.HostConfig.CapAdd = []string{"ALL"}
			in.HostConfig.CapDrop = []string{"SYS_ADMIN"}
		}, func(t *testing.T, s *specs.Spec) {
			c := s.Process.Capabilities.Bounding
			if len(c) != len(testCaps)-1 || slices.Contains(c, "CAP_SYS_ADMIN") {
				t.Errorf("caps = %q", c)
			}
		}},
		{"privileged", func(in *Input) {
			in.HostConfig.Privileged = true
			in.Seccomp = &specs.LinuxSeccomp{}
		}, func(t *testing.T, s *specs.Spec) {
			if !slices.Equal(s.Process.Capabilities.Bounding, testCaps) {
				t.Errorf("caps = %q", s.Process.Capabilities.Bounding)
			}
			if s.Linux.MaskedPaths != nil || s.Linux.ReadonlyPaths != nil || s.Linux.Seccomp != nil {
				t.Errorf("masked %q readonly %q seccomp %v", s.Linux.MaskedPaths, s.Linux.ReadonlyPaths, s.Linux.Seccomp)
			}
			if slices.Contains(findMount(s, "/sys").Options, "ro") || slices.Contains(findMount(s, "/sys/fs/cgroup").Options, "ro") {
				t.Error("/sys or cgroup read-only when privileged")
			}
			r := s.Linux.Resources.Devices
			if len(r) != 1 || !r[0].Allow || r[0].Access != "rwm" {
				t.Errorf("device rules = %+v", r)
			}
		}},
		{"systempaths unconfined", func(in *Input) {
			in.HostConfig.MaskedPaths = []string{}
			in.HostConfig.ReadonlyPaths = []string{"/proc/sys"}
		}, func(t *testing.T, s *specs.Spec) {
			if len(s.Linux.MaskedPaths) != 0 || !slices.Equal(s.Linux.ReadonlyPaths, []string{"/proc/sys"}) {
				t.Errorf("masked %q readonly %q", s.Linux.MaskedPaths, s.Linux.ReadonlyPaths)
			}
		}},
		{"read-only rootfs", func(in *Input) {
			in.HostConfig.ReadonlyRootfs = true
			in.HostsPath = "/data/hosts"
		}, func(t *testing.T, s *specs.Spec) {
			if !s.Root.Readonly {
				t.Error("root not read-only")
			}
			if !slices.Contains(findMount(s, "/sys/fs/cgroup").Options, "ro") || slices.Contains(findMount(s, "/dev/shm").Options, "ro") ||
				slices.Contains(findMount(s, "/proc").Options, "ro") {
				t.Error("read-only applied to the wrong default mounts")
			}
			if !slices.Contains(findMount(s, "/etc/hosts").Options, "ro") {
				t.Error("/etc/hosts writable on a read-only rootfs")
			}
		}},
		{"tmpfs", func(in *Input) {
			in.HostConfig.Tmpfs = map[string]string{"/run": "size=64m,exec", "/run/x/y": "", "/dev/shm": "size=1m"}
		}, func(t *testing.T, s *specs.Spec) {
			run := findMount(s, "/run")
			if run == nil || run.Type != "tmpfs" || !slices.Equal(run.Options, []string{"nosuid", "nodev", "rprivate", "size=64m", "exec"}) {
				t.Errorf("/run = %+v", run)
			}
			if y := findMount(s, "/run/x/y"); y == nil || !slices.Equal(y.Options, []string{"noexec", "nosuid", "nodev", "rprivate"}) {
				t.Errorf("/run/x/y = %+v", y)
			}
			n := 0
			for _, m := range s.Mounts {
				if m.Destination == "/dev/shm" {
					n++
					if m.Source != "tmpfs" {
						t.Errorf("default /dev/shm kept: %+v", m)
					}
				}
			}
			if n != 1 {
				t.Errorf("%d /dev/shm mounts", n)
			}
			if idx(s, "/run") > idx(s, "/run/x/y") {
				t.Error("child tmpfs before its parent")
			}
		}},
		{"ulimits", func(in *Input) {
			in.HostConfig.Ulimits = []*container.Ulimit{{Name: "nproc", Soft: 100, Hard: 200}, {Name: "nofile", Soft: 10, Hard: 20}}
		}, func(t *testing.T, s *specs.Spec) {
			if l := rlimit(s, "RLIMIT_NPROC"); l == nil || l.Soft != 100 || l.Hard != 200 {
				t.Errorf("nproc = %+v", l)
			}
			if l := rlimit(s, "RLIMIT_NOFILE"); l == nil || l.Soft != 10 || l.Hard != 20 || len(s.Process.Rlimits) != 2 {
				t.Errorf("rlimits = %+v", s.Process.Rlimits)
			}
		}},
		{"rootless nofile clamp and no ping range", func(in *Input) {
			in.Rootless = true
			in.HostConfig.OomScoreAdj = -500
		}, func(t *testing.T, s *specs.Spec) {
			if *s.Process.OOMScoreAdj != 100 {
				t.Errorf("oom score %d below the engine's", *s.Process.OOMScoreAdj)
			}
			if l := rlimit(s, "RLIMIT_NOFILE"); l == nil || l.Soft != 524288 || l.Hard != 524288 {
				t.Errorf("nofile = %+v", l)
			}
			if _, ok := s.Linux.Sysctl["net.ipv4.ping_group_range"]; ok {
				t.Error("ping_group_range set in a user namespace")
			}
		}},
		{"sysctls and domainname", func(in *Input) {
			in.HostConfig.Sysctls = map[string]string{"net.core.somaxconn": "1024", "kernel.shmmax": "1", "fs.mqueue.msg_max": "20"}
			in.Config.Domainname = "example.com"
		}, func(t *testing.T, s *specs.Spec) {
			if s.Linux.Sysctl["net.core.somaxconn"] != "1024" || s.Linux.Sysctl["kernel.shmmax"] != "1" || s.Linux.Sysctl["kernel.domainname"] != "example.com" {
				t.Errorf("sysctls = %v", s.Linux.Sysctl)
			}
			if s.Domainname != "example.com" {
				t.Errorf("domainname = %q", s.Domainname)
			}
		}},
		{"numeric user without passwd entry", func(in *Input) { in.Config.User = "4242:4343" }, func(t *testing.T, s *specs.Spec) {
			u := s.Process.User
			if u.UID != 4242 || u.GID != 4343 || !slices.Equal(u.AdditionalGids, []uint32{4343}) {
				t.Errorf("user = %+v", u)
			}
			if !slices.Contains(s.Process.Env, "HOME=/") {
				t.Errorf("env = %q", s.Process.Env)
			}
		}},
		{"named user with groups and group-add", func(in *Input) {
			in.Config.User = "app"
			in.HostConfig.GroupAdd = []string{"video", "5000", "daemon"}
		}, func(t *testing.T, s *specs.Spec) {
			u := s.Process.User
			if u.UID != 1000 || u.GID != 1000 || !slices.Equal(u.AdditionalGids, []uint32{1000, 10, 29, 1, 44, 5000}) {
				t.Errorf("user = %+v", u)
			}
			if !slices.Contains(s.Process.Env, "HOME=/home/app") {
				t.Errorf("env = %q", s.Process.Env)
			}
		}},
		{"user:group names", func(in *Input) { in.Config.User = "daemon:audio" }, func(t *testing.T, s *specs.Spec) {
			if u := s.Process.User; u.UID != 1 || u.GID != 29 || !slices.Equal(u.AdditionalGids, []uint32{29}) {
				t.Errorf("user = %+v", u)
			}
		}},
		{"env overrides and HOME kept", func(in *Input) {
			in.Config.Env = []string{"HOSTNAME=mine", "HOME=/h", "FOO=bar", "PATH"}
			in.Config.Tty = true
			in.Config.Hostname = "box"
			in.Config.WorkingDir = "/work"
		}, func(t *testing.T, s *specs.Spec) {
			if !slices.Equal(s.Process.Env, []string{"HOSTNAME=mine", "TERM=xterm", "HOME=/h", "FOO=bar"}) {
				t.Errorf("env = %q", s.Process.Env)
			}
			if s.Hostname != "box" || s.Process.Cwd != "/work" || !s.Process.Terminal {
				t.Errorf("hostname %q cwd %q", s.Hostname, s.Process.Cwd)
			}
		}},
		{"image without PATH gets the default", func(in *Input) { in.Config.Env = nil }, func(t *testing.T, s *specs.Spec) {
			if s.Process.Env[0] != "PATH="+DefaultPathEnv || s.Process.Env[1] != "HOSTNAME="+testID[:12] {
				t.Errorf("env = %q", s.Process.Env)
			}
		}},
		{"network host", func(in *Input) {
			in.HostConfig.NetworkMode = "host"
			in.HostConfig.Sysctls = map[string]string{"kernel.msgmax": "1"}
		}, func(t *testing.T, s *specs.Spec) {
			if _, ok := hasNS(s, specs.NetworkNamespace); ok {
				t.Error("network namespace with --network host")
			}
			if _, ok := hasNS(s, specs.UTSNamespace); !ok {
				t.Error("UTS namespace dropped with --network host")
			}
			host, _ := os.Hostname()
			if s.Hostname != host {
				t.Errorf("hostname = %q, want the host's %q", s.Hostname, host)
			}
			if _, ok := s.Linux.Sysctl["net.ipv4.ip_unprivileged_port_start"]; ok {
				t.Error("net sysctl set in the host's network namespace")
			}
		}},
		{"network none", func(in *Input) { in.HostConfig.NetworkMode = "none" }, func(t *testing.T, s *specs.Spec) {
			if n, ok := hasNS(s, specs.NetworkNamespace); !ok || n.Path != "" {
				t.Errorf("netns = %+v %v", n, ok)
			}
		}},
		{"join netns", func(in *Input) { in.NetNSPath = "/run/netns/x" }, func(t *testing.T, s *specs.Spec) {
			if n, _ := hasNS(s, specs.NetworkNamespace); n.Path != "/run/netns/x" {
				t.Errorf("netns = %+v", n)
			}
		}},
		{"host pid ipc uts", func(in *Input) {
			in.HostConfig.PidMode = "host"
			in.HostConfig.IpcMode = "host"
			in.HostConfig.UTSMode = "host"
			in.Rootless = true
		}, func(t *testing.T, s *specs.Spec) {
			for _, typ := range []specs.LinuxNamespaceType{specs.PIDNamespace, specs.IPCNamespace, specs.UTSNamespace} {
				if _, ok := hasNS(s, typ); ok {
					t.Errorf("%s namespace kept", typ)
				}
			}
			if s.Hostname != "" {
				t.Errorf("hostname %q with --uts host", s.Hostname)
			}
			if p := findMount(s, "/proc"); p.Type != "bind" || p.Source != "/proc" {
				t.Errorf("/proc = %+v", p)
			}
			if m := findMount(s, "/dev/mqueue"); m.Type != "bind" {
				t.Errorf("/dev/mqueue = %+v", m)
			}
			for _, p := range s.Linux.ReadonlyPaths {
				if strings.HasPrefix(p, "/proc/") {
					t.Errorf("readonly %s kept over the host's /proc", p)
				}
			}
		}},
		{"ipc none has no shm", func(in *Input) { in.HostConfig.IpcMode = "none" }, func(t *testing.T, s *specs.Spec) {
			if findMount(s, "/dev/shm") != nil {
				t.Error("/dev/shm with --ipc none")
			}
		}},
		{"cgroupns private", func(in *Input) { in.HostConfig.CgroupnsMode = "private" }, func(t *testing.T, s *specs.Spec) {
			if _, ok := hasNS(s, specs.CgroupNamespace); !ok {
				t.Error("no cgroup namespace")
			}
		}},
		{"cgroup v2 default private", func(in *Input) { in.Cgroups = cgroups.Info{V2: true} }, func(t *testing.T, s *specs.Spec) {
			if _, ok := hasNS(s, specs.CgroupNamespace); !ok {
				t.Error("no cgroup namespace on v2")
			}
		}},
		{"shm size", func(in *Input) { in.HostConfig.ShmSize = 1 << 20 }, func(t *testing.T, s *specs.Spec) {
			if o := findMount(s, "/dev/shm").Options; !slices.Contains(o, "size=1048576") || slices.Contains(o, "size=67108864") {
				t.Errorf("shm = %q", o)
			}
		}},
		{"security opts", func(in *Input) {
			in.HostConfig.SecurityOpt = []string{"no-new-privileges:true", "apparmor=unconfined", "label=disable", "seccomp=unconfined"}
			in.HostConfig.OomScoreAdj = 500
		}, func(t *testing.T, s *specs.Spec) {
			if !s.Process.NoNewPrivileges || *s.Process.OOMScoreAdj != 500 {
				t.Errorf("nnp %v oom %d", s.Process.NoNewPrivileges, *s.Process.OOMScoreAdj)
			}
		}},
		{"single id", func(in *Input) { in.SingleID = true }, func(t *testing.T, s *specs.Spec) {
			if slices.Contains(findMount(s, "/dev/pts").Options, "gid=5") {
				t.Error("devpts gid=5 with a single id")
			}
			if !slices.Equal(s.Process.User.AdditionalGids, []uint32{0}) {
				t.Errorf("gids = %v", s.Process.User.AdditionalGids)
			}
		}},
		{"user mount replaces default", func(in *Input) {
			in.Mounts = []specs.Mount{{Destination: "/dev/shm", Type: "bind", Source: "/host/shm", Options: []string{"rbind"}}, {Destination: "/data", Type: "bind", Source: "/v"}}
			in.HostsPath = "/data/hosts"
		}, func(t *testing.T, s *specs.Spec) {
			if m := findMount(s, "/dev/shm"); m.Source != "/host/shm" {
				t.Errorf("/dev/shm = %+v", m)
			}
			if idx(s, "/data") > idx(s, "/etc/hosts") {
				t.Error("mounts not sorted by depth")
			}
		}},
		{"delegated resources", func(in *Input) {
			in.Cgroups = cgroups.Info{V2: true, Delegated: true, Controllers: []string{"cpu", "memory", "pids"}}
			in.HostConfig.Memory = 64 << 20
			in.HostConfig.NanoCPUs = 1_500_000_000
			in.HostConfig.CPUShares = 512
			zero := int64(0)
			in.HostConfig.PidsLimit = &zero
		}, func(t *testing.T, s *specs.Spec) {
			r := s.Linux.Resources
			if r.Memory == nil || *r.Memory.Limit != 64<<20 || *r.CPU.Quota != 150000 || *r.CPU.Period != 100000 ||
				*r.CPU.Shares != 512 || *r.Pids.Limit != -1 {
				t.Errorf("resources = %+v", r)
			}
		}},
		{"undelegated resources dropped", func(in *Input) { in.HostConfig.Memory = 64 << 20 }, func(t *testing.T, s *specs.Spec) {
			if s.Linux.Resources.Memory != nil {
				t.Error("memory limit without delegation")
			}
		}},
		{"entrypoint reset", func(in *Input) {
			in.Config.Entrypoint = []string{""}
			in.Config.Cmd = []string{"echo", "hi"}
		}, func(t *testing.T, s *specs.Spec) {
			if !slices.Equal(s.Process.Args, []string{"echo", "hi"}) {
				t.Errorf("args = %q", s.Process.Args)
			}
		}},
		{"device cgroup rule", func(in *Input) { in.HostConfig.DeviceCgroupRules = []string{"c *:* rwm"} }, func(t *testing.T, s *specs.Spec) {
			r := s.Linux.Resources.Devices
			if l := r[len(r)-1]; l.Type != "c" || *l.Major != -1 || *l.Minor != -1 || l.Access != "rwm" {
				t.Errorf("rule = %+v", l)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := input(t)
			tc.mutate(&in)
			s, err := Build(in)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, s)
		})
	}
}

func idx(s *specs.Spec, dest string) int {
	for i, m := range s.Mounts {
		if m.Destination == dest {
			return i
		}
	}
	return -1
}

func TestBuildErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*Input)
		want   string
		kind   func(error) bool
	}{
		{"unknown user", func(in *Input) { in.Config.User = "foo" }, "unable to find user foo: no matching entries in passwd file", errdefs.IsInvalidArgument},
		{"unknown group", func(in *Input) { in.Config.User = "app:nogroup" }, "unable to find group nogroup: no matching entries in group file", errdefs.IsInvalidArgument},
		{"unknown group-add", func(in *Input) { in.HostConfig.GroupAdd = []string{"nogroup"} }, "unable to find group nogroup", errdefs.IsInvalidArgument},
		{"unknown cap", func(in *Input) { in.HostConfig.CapAdd = []string{"foo"} }, `invalid CapAdd: unknown capability: "CAP_FOO"`, errdefs.IsInvalidArgument},
		{"unavailable cap", func(in *Input) { in.HostConfig.CapDrop = []string{"CAP_BPF"} },
			`invalid CapDrop: capability not supported by your kernel or not available in the current environment: "CAP_BPF"`, errdefs.IsInvalidArgument},
		{"no command", func(in *Input) { in.Config.Cmd = nil }, "no command specified", errdefs.IsInvalidArgument},
		{"host sysctl", func(in *Input) { in.HostConfig.Sysctls = map[string]string{"vm.max_map_count": "1"} },
			`sysctl "vm.max_map_count" is not in a separate kernel namespace`, errdefs.IsInvalidArgument},
		{"net sysctl with host network", func(in *Input) {
			in.HostConfig.NetworkMode = "host"
			in.HostConfig.Sysctls = map[string]string{"net.core.somaxconn": "1"}
		}, `sysctl "net.core.somaxconn" is not allowed in the hosts network namespace`, errdefs.IsInvalidArgument},
		{"bad tmpfs option", func(in *Input) { in.HostConfig.Tmpfs = map[string]string{"/x": "bogus=1"} }, `invalid tmpfs option "bogus"`, errdefs.IsInvalidArgument},
		{"pid container", func(in *Input) { in.HostConfig.PidMode = "container:abc" }, "not supported yet", errdefs.IsNotImplemented},
		{"single id non-root", func(in *Input) {
			in.SingleID = true
			in.Config.User = "app"
		}, "maps a single id", errdefs.IsInvalidArgument},
		{"bad security opt", func(in *Input) { in.HostConfig.SecurityOpt = []string{"no-new-privileges=maybe"} },
			`invalid --security-opt 2: "no-new-privileges=maybe"`, errdefs.IsInvalidArgument},
		{"writable cgroups rootless", func(in *Input) {
			in.Rootless = true
			in.HostConfig.SecurityOpt = []string{"writable-cgroups=true"}
		}, "option WritableCgroups conflicts with user namespaces and rootless mode", errdefs.IsInvalidArgument},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := input(t)
			tc.mutate(&in)
			_, err := Build(in)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !tc.kind(err) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// A passwd that is a symlink to an absolute path must resolve inside the
// rootfs, never to the host's file.
func TestUserLookupStaysInRootfs(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "etc", "shadow"), "evil:x:666:666::/evil:/bin/sh\n")
	if err := os.Symlink("/etc/shadow", filepath.Join(root, "etc", "passwd")); err != nil {
		t.Fatal(err)
	}
	// a host file the link would reach if it were followed outside
	outside := t.TempDir()
	writeFile(t, filepath.Join(outside, "passwd"), "host:x:4321:4321::/host:/bin/sh\n")
	if err := os.Symlink("../../"+filepath.Base(outside)+"/passwd", filepath.Join(root, "etc", "group")); err != nil {
		t.Fatal(err)
	}
	u, home, err := resolveUser(root, "evil", nil)
	if err != nil || u.UID != 666 || home != "/evil" {
		t.Errorf("evil = %+v %q %v", u, home, err)
	}
	// the group link climbs out of the rootfs: it is clamped, finds nothing
	if _, _, err := resolveUser(root, "0:host", nil); err == nil || !strings.Contains(err.Error(), "unable to find group host") {
		t.Errorf("group through an escaping link: %v", err)
	}
	if _, _, err := resolveUser(root, "root", nil); err == nil || !strings.Contains(err.Error(), "unable to find user root") {
		t.Errorf("host's passwd consulted: %v", err)
	}
}

func TestUserLookupFIFO(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := mkfifo(filepath.Join(root, "etc", "passwd")); err != nil {
		t.Fatal(err)
	}
	u, _, err := resolveUser(root, "7", nil)
	if err != nil || u.UID != 7 {
		t.Errorf("numeric user with a FIFO passwd: %+v %v", u, err)
	}
}

func TestPrivilegedDevices(t *testing.T) {
	dir := t.TempDir()
	old := devRoot
	devRoot = dir
	t.Cleanup(func() { devRoot = old })
	mknodOrSkip(t, filepath.Join(dir, "null"), 1, 3)
	if err := os.MkdirAll(filepath.Join(dir, "pts"), 0o755); err != nil {
		t.Fatal(err)
	}
	_ = mknodChar(filepath.Join(dir, "pts", "0"), 136, 0)
	_ = mknodChar(filepath.Join(dir, "console"), 5, 1)
	if err := os.MkdirAll(filepath.Join(dir, "snd"), 0o755); err != nil {
		t.Fatal(err)
	}
	_ = mknodChar(filepath.Join(dir, "snd", "timer"), 116, 33)
	in := input(t)
	in.HostConfig.Privileged = true
	s, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, d := range s.Linux.Devices {
		paths = append(paths, d.Path)
	}
	if !sameSet(paths, []string{"/dev/null", "/dev/snd/timer"}) {
		t.Errorf("devices = %q", paths)
	}
}

func TestDeviceMapping(t *testing.T) {
	dir := t.TempDir()
	mknodOrSkip(t, filepath.Join(dir, "kvm"), 10, 232)
	in := input(t)
	in.HostConfig.Devices = []container.DeviceMapping{{PathOnHost: filepath.Join(dir, "kvm"), PathInContainer: "/dev/kvm", CgroupPermissions: "rw"}}
	s, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Linux.Devices) != 1 || s.Linux.Devices[0].Path != "/dev/kvm" || s.Linux.Devices[0].Major != 10 || s.Linux.Devices[0].Minor != 232 {
		t.Errorf("devices = %+v", s.Linux.Devices)
	}
	r := s.Linux.Resources.Devices
	if l := r[len(r)-1]; !l.Allow || l.Access != "rw" || *l.Major != 10 {
		t.Errorf("rule = %+v", l)
	}
	in.HostConfig.Devices = []container.DeviceMapping{{PathOnHost: filepath.Join(dir, "nope"), PathInContainer: "/dev/nope"}}
	if _, err := Build(in); err == nil || !strings.Contains(err.Error(), "error gathering device information while adding custom device") {
		t.Errorf("missing device: %v", err)
	}
}

// On this host (root, or root in a user namespace) every default
// capability is available.
func TestHostCaps(t *testing.T) {
	got := hostAvailableCaps()
	for _, c := range DefaultCapabilities() {
		if !slices.Contains(got, c) {
			t.Errorf("%s not available: %q", c, got)
		}
	}
}
