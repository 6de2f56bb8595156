package spec

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/blkiodev"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/skiff-engine/skiff/internal/runtime/cgroups"
)

func i64(v int64) *int64 { return &v }

// delegated is a cgroup v2 host that gives the engine every controller.
var delegated = cgroups.Info{V2: true, Delegated: true, Controllers: []string{"cpu", "cpuset", "io", "memory", "pids"}}

func TestVerifyRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		hc   container.HostConfig
		cfg  container.Config
		want string
		kind func(error) bool
		info cgroups.Info
	}{
		{name: "memory too small", hc: container.HostConfig{Resources: container.Resources{Memory: 1 << 20}}, want: "Minimum memory limit allowed is 6MB"},
		{name: "negative memory", hc: container.HostConfig{Resources: container.Resources{Memory: -5}}, want: "Minimum memory limit allowed is 6MB"},
		{name: "swap without memory", hc: container.HostConfig{Resources: container.Resources{MemorySwap: 1 << 30}},
			want: "You should always set the Memory limit when using Memoryswap limit, see usage"},
		{name: "swap below memory", hc: container.HostConfig{Resources: container.Resources{Memory: 64 << 20, MemorySwap: 32 << 20}},
			want: "Minimum memoryswap limit should be larger than memory limit, see usage", info: delegated},
		{name: "reservation too small", hc: container.HostConfig{Resources: container.Resources{MemoryReservation: 1024}},
			want: "Minimum memory reservation allowed is 6MB", info: delegated},
		{name: "cpus over host", hc: container.HostConfig{Resources: container.Resources{NanoCPUs: 3e9}},
			want: "Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available"},
		{name: "negative cpus", hc: container.HostConfig{Resources: container.Resources{NanoCPUs: -1}},
			want: "Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available"},
		{name: "cpus and period", hc: container.HostConfig{Resources: container.Resources{NanoCPUs: 1e9, CPUPeriod: 5000}},
			want: "Conflicting options: Nano CPUs and CPU Period cannot both be set"},
		{name: "cpus and quota", hc: container.HostConfig{Resources: container.Resources{NanoCPUs: 1e9, CPUQuota: 5000}},
			want: "Conflicting options: Nano CPUs and CPU Quota cannot both be set"},
		{name: "blkio weight range", hc: container.HostConfig{Resources: container.Resources{IOMaximumIOps: 5}},
			want: "Invalid QoS settings: linux does not support Maximum IO Bandwidth or Maximum IO IOps"},
		{name: "restart policy", hc: container.HostConfig{RestartPolicy: container.RestartPolicy{Name: "sometimes"}},
			want: "invalid restart policy: unknown policy 'sometimes'"},
		{name: "restart retries", hc: container.HostConfig{RestartPolicy: container.RestartPolicy{Name: "always", MaximumRetryCount: 3}},
			want: "invalid restart policy: maximum retry count can only be used with 'on-failure'"},
		{name: "autoremove with restart", hc: container.HostConfig{AutoRemove: true, RestartPolicy: container.RestartPolicy{Name: "always"}},
			want: "can't create 'AutoRemove' container with restart policy"},
		{name: "unknown capability", hc: container.HostConfig{CapAdd: []string{"CAP_FOO"}}, want: `invalid CapAdd: unknown capability: "CAP_FOO"`},
		{name: "unknown capability drop", hc: container.HostConfig{CapDrop: []string{"bar"}}, want: `invalid CapDrop: unknown capability: "CAP_BAR"`},
		{name: "host sysctl", hc: container.HostConfig{Sysctls: map[string]string{"kernel.panic": "1"}},
			want: `sysctl "kernel.panic" is not in a separate kernel namespace`},
		{name: "net sysctl on host network", hc: container.HostConfig{NetworkMode: "host", Sysctls: map[string]string{"net.ipv4.ip_forward": "1"}},
			want: `sysctl "net.ipv4.ip_forward" is not allowed in the hosts network namespace`},
		{name: "ipc sysctl on host ipc", hc: container.HostConfig{IpcMode: "host", Sysctls: map[string]string{"kernel.shmmax": "1"}},
			want: `sysctl "kernel.shmmax" is not allowed in the hosts ipc namespace`},
		{name: "hostname sysctl", hc: container.HostConfig{Sysctls: map[string]string{"kernel.hostname": "x"}},
			want: `sysctl "kernel.hostname" is not allowed as it conflicts with the OCI "hostname" field`},
		{name: "ulimit type", hc: container.HostConfig{Resources: container.Resources{Ulimits: []*container.Ulimit{{Name: "files", Soft: 1, Hard: 1}}}},
			want: "invalid ulimit type: files"},
		{name: "ulimit soft over hard", hc: container.HostConfig{Resources: container.Resources{Ulimits: []*container.Ulimit{{Name: "nofile", Soft: 10, Hard: 5}}}},
			want: "ulimit soft limit must be less than or equal to hard limit: 10 > 5"},
		{name: "tmpfs option", hc: container.HostConfig{Tmpfs: map[string]string{"/run": "size=1m,nosuchopt"}}, want: `invalid tmpfs option "nosuchopt"`},
		{name: "tmpfs relative", hc: container.HostConfig{Tmpfs: map[string]string{"run": ""}}, want: "invalid mount path: 'run' mount path must be absolute"},
		{name: "tmpfs root", hc: container.HostConfig{Tmpfs: map[string]string{"/": ""}}, want: "invalid specification: destination can't be '/'"},
		{name: "shm size", hc: container.HostConfig{ShmSize: -1}, want: "SHM size can not be less than 0"},
		{name: "oom score", hc: container.HostConfig{OomScoreAdj: 1001}, want: "Invalid value 1001, range for oom score adj is [-1000, 1000]"},
		{name: "ipc mode", hc: container.HostConfig{IpcMode: "weird"}, want: "invalid IPC mode: weird"},
		{name: "pid mode", hc: container.HostConfig{PidMode: "weird"}, want: "invalid PID mode: weird"},
		{name: "uts mode", hc: container.HostConfig{UTSMode: "weird"}, want: "invalid UTS mode: weird"},
		{name: "cgroupns mode", hc: container.HostConfig{CgroupnsMode: "weird"}, want: "invalid cgroup namespace mode: weird"},
		{name: "isolation", hc: container.HostConfig{Isolation: "hyperv"}, want: "invalid isolation 'hyperv' on linux"},
		{name: "security opt", hc: container.HostConfig{SecurityOpt: []string{"bogus"}}, want: `invalid --security-opt 1: "bogus"`},
		{name: "security opt key", hc: container.HostConfig{SecurityOpt: []string{"foo=bar"}}, want: `invalid --security-opt 2: "foo=bar"`},
		{name: "device cgroup rule", hc: container.HostConfig{Resources: container.Resources{DeviceCgroupRules: []string{"x 1:2 rwm"}}},
			want: "invalid device cgroup rule format: 'x 1:2 rwm'"},
		{name: "missing device", hc: container.HostConfig{Resources: container.Resources{Devices: []container.DeviceMapping{{PathOnHost: "/nonexistent/dev"}}}},
			want: `error gathering device information while adding custom device "/nonexistent/dev"`},
		{name: "empty annotation key", hc: container.HostConfig{Annotations: map[string]string{"": "x"}},
			want: "invalid Annotations: the empty string is not permitted as an annotation key"},
		{name: "ipc container", hc: container.HostConfig{IpcMode: "container:abc"}, want: "--ipc container:abc is not supported yet", kind: errdefs.IsNotImplemented},
		{name: "network container", hc: container.HostConfig{NetworkMode: "container:abc"}, want: "not supported yet", kind: errdefs.IsNotImplemented},
		{name: "hostname too long", cfg: container.Config{Hostname: strings.Repeat("h", 65)}, want: "is too long (maximum 64 bytes)"},
		{name: "relative workdir", cfg: container.Config{WorkingDir: "work"}, want: "the working directory 'work' is invalid, it needs to be an absolute path"},
		{name: "empty env name", cfg: container.Config{Env: []string{"=x"}}, want: "invalid environment variable: =x"},
		{name: "healthcheck interval", cfg: container.Config{Healthcheck: &container.HealthConfig{Interval: time.Microsecond}},
			want: "Interval in Healthcheck cannot be less than 1ms"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hc, cfg := tc.hc, tc.cfg
			_, err := Verify(&hc, &cfg, tc.info, true)
			kind := tc.kind
			if kind == nil {
				kind = errdefs.IsInvalidArgument
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !kind(err) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestVerifyWarnsAndDiscards(t *testing.T) {
	swappiness := int64(10)
	oomOff := true
	hc := &container.HostConfig{
		NetworkMode:  "host",
		PortBindings: network.PortMap{},
		Resources: container.Resources{
			Memory: 64 << 20, MemorySwap: 128 << 20, MemoryReservation: 32 << 20, MemorySwappiness: &swappiness,
			OomKillDisable: &oomOff, PidsLimit: i64(100), NanoCPUs: 1e9, CPUShares: 512, CpusetCpus: "0",
			BlkioWeight: 300, BlkioDeviceReadBps: []*blkiodev.ThrottleDevice{{Path: "/dev/sda", Rate: 1}},
		},
	}
	port, _ := network.ParsePort("80/tcp")
	hc.PortBindings[port] = []network.PortBinding{{HostPort: "8080"}}
	warnings, err := Verify(hc, &container.Config{}, cgroups.Info{}, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Your kernel does not support memory limit capabilities or the cgroup is not mounted. Limitation discarded.",
		"Your kernel does not support memory swappiness capabilities or the cgroup is not mounted. Memory swappiness discarded.",
		"Your kernel does not support memory soft limit capabilities or the cgroup is not mounted. Limitation discarded.",
		"Your kernel does not support OomKillDisable. OomKillDisable discarded.",
		"Your kernel does not support PIDs limit capabilities or the cgroup is not mounted. PIDs limit discarded.",
		"Your kernel does not support CPU CFS scheduler or the cgroup is not mounted. NanoCPUs discarded.",
		"Your kernel does not support CPU shares or the cgroup is not mounted. Shares discarded.",
		"Your kernel does not support cpuset or the cgroup is not mounted. Cpuset discarded.",
		"Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.",
		"Your kernel does not support BPS Block I/O read limit or the cgroup is not mounted. Block I/O BPS read limit discarded.",
		"Published ports are discarded when using host network mode",
		"Running in rootless-mode without cgroups. To enable cgroups in rootless-mode, you need to boot the system in cgroup v2 mode.",
	} {
		if !slices.Contains(warnings, want) {
			t.Errorf("missing warning %q", want)
		}
	}
	r := hc.Resources
	if r.Memory != 0 || r.MemorySwap != -1 || r.MemoryReservation != 0 || r.MemorySwappiness != nil || r.OomKillDisable != nil ||
		r.PidsLimit != nil || r.NanoCPUs != 0 || r.CPUShares != 0 || r.CpusetCpus != "" || r.BlkioWeight != 0 || len(r.BlkioDeviceReadBps) != 0 {
		t.Errorf("limits not discarded: %+v", r)
	}
}

func TestVerifyDelegatedKeepsLimits(t *testing.T) {
	hc := &container.HostConfig{Resources: container.Resources{Memory: 64 << 20, NanoCPUs: 1e9, PidsLimit: i64(10), CPUShares: 100}}
	info := cgroups.Info{V2: true, Delegated: true, Controllers: []string{"cpu", "memory", "pids"}}
	warnings, err := Verify(hc, nil, info, true)
	if err != nil || len(warnings) != 0 {
		t.Fatalf("warnings %q err %v", warnings, err)
	}
	if hc.Memory != 64<<20 || hc.NanoCPUs != 1e9 || *hc.PidsLimit != 10 || hc.CPUShares != 100 {
		t.Errorf("limits changed: %+v", hc.Resources)
	}
	// a nil pids limit or 0 needs no warning either
	if w, _ := Verify(&container.HostConfig{Resources: container.Resources{PidsLimit: i64(0)}}, nil, cgroups.Info{}, false); len(w) != 0 {
		t.Errorf("warnings for pids 0: %q", w)
	}
}

func TestVerifyAcceptsAndCleans(t *testing.T) {
	cfg := &container.Config{WorkingDir: "/a/../b/"}
	hc := &container.HostConfig{
		CapAdd:      []string{"net_admin", "ALL"},
		SecurityOpt: []string{"no-new-privileges", "label=disable", "apparmor=unconfined", "seccomp=unconfined", "label:type:x"},
		Sysctls:     map[string]string{"net.core.somaxconn": "1", "fs.mqueue.msg_max": "10", "kernel.domainname": "x"},
		Tmpfs:       map[string]string{"/run": "rw,size=10m,mode=1777,uid=1,gid=2,nr_inodes=5"},
		Resources:   container.Resources{Ulimits: []*container.Ulimit{{Name: "nofile", Soft: -1, Hard: -1}}, DeviceCgroupRules: []string{"b 8:* r"}},
	}
	if _, err := Verify(hc, cfg, cgroups.Info{}, true); err != nil {
		t.Fatal(err)
	}
	if cfg.WorkingDir != "/b" {
		t.Errorf("workdir = %q", cfg.WorkingDir)
	}
}

func TestAdapt(t *testing.T) {
	hc := &container.HostConfig{Resources: container.Resources{Memory: 64 << 20}}
	Adapt(hc, cgroups.Info{})
	if hc.MemorySwap != 128<<20 || hc.ShmSize != DefaultShmSize || hc.IpcMode != "private" || hc.CgroupnsMode != "host" ||
		hc.OomKillDisable == nil || *hc.OomKillDisable {
		t.Errorf("adapted = %+v", hc)
	}
	hc = &container.HostConfig{ShmSize: 5, IpcMode: "shareable"}
	Adapt(hc, cgroups.Info{V2: true})
	if hc.ShmSize != 5 || hc.IpcMode != "shareable" || hc.CgroupnsMode != "private" || hc.MemorySwap != 0 {
		t.Errorf("adapted = %+v", hc)
	}
}

func TestMergeTmpfsOptions(t *testing.T) {
	got, err := mergeTmpfsOptions([]string{"noexec", "nosuid", "size=1m", "exec", "size=2m", "defaults", "ro", "rw"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []string{"nosuid", "exec", "size=2m", "rw"}) {
		t.Errorf("merged = %q", got)
	}
}
