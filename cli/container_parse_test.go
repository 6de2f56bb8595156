package cli

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
)

// createBody runs `skiff create ARGS...` against a fake daemon and
// returns the request body it sent.
func createBody(t *testing.T, env map[string]string, args ...string) container.CreateRequest {
	t.Helper()
	host, log := apiDaemon(t, routes{"POST /containers/create": jsonHandler(201, container.CreateResponse{ID: testCtrID})})
	r := runCLI(t, env, "", append([]string{"-H", host, "create"}, args...)...)
	if r.code != 0 {
		t.Fatalf("%q: exit %d stderr %q", args, r.code, r.stderr)
	}
	var body container.CreateRequest
	if err := json.Unmarshal(log.last(t, "/containers/create").Body, &body); err != nil {
		t.Fatal(err)
	}
	return body
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCreateEnvAndLabels(t *testing.T) {
	envFile := writeFile(t, "env", "\ufeff# comment\n\n  FROMFILE=1\nQUOTED=\"a b\"\nHOMEVAR\nUNSET_VAR\nA=file\n")
	labelFile := writeFile(t, "labels", "tier=web\n# x\nteam=ops\n")
	body := createBody(t, map[string]string{"HOMEVAR": "/home/u", "PASSED": "yes"},
		"--env-file", envFile, "-e", "A=flag", "-e", "PASSED", "-e", "NOTSET",
		"--label-file", labelFile, "-l", "team=dev", "--label", "solo",
		"busybox")
	wantEnv := []string{"FROMFILE=1", `QUOTED="a b"`, "HOMEVAR=/home/u", "A=file", "A=flag", "PASSED=yes", "NOTSET"}
	if !reflect.DeepEqual(body.Env, wantEnv) {
		t.Errorf("env %q, want %q", body.Env, wantEnv)
	}
	wantLabels := map[string]string{"tier": "web", "team": "dev", "solo": ""}
	if !reflect.DeepEqual(body.Labels, wantLabels) {
		t.Errorf("labels %v, want %v", body.Labels, wantLabels)
	}
}

func TestCreateResourcesAndLimits(t *testing.T) {
	body := createBody(t, nil, "-m", "512m", "--memory-swap", "-1", "--cpus", "1.5", "-c", "512",
		"--pids-limit", "100", "--cpuset-cpus", "0-1", "--shm-size", "64m",
		"--ulimit", "nofile=1024:2048", "--ulimit", "core=0", "--ulimit", "nofile=10:20",
		"--restart", "on-failure:3", "--oom-score-adj", "100", "busybox")
	h := body.HostConfig
	if h.Memory != 512<<20 || h.MemorySwap != -1 || h.NanoCPUs != 1_500_000_000 || h.CPUShares != 512 {
		t.Errorf("resources memory %d swap %d nanocpus %d shares %d", h.Memory, h.MemorySwap, h.NanoCPUs, h.CPUShares)
	}
	if h.PidsLimit == nil || *h.PidsLimit != 100 || h.CpusetCpus != "0-1" || h.ShmSize != 64<<20 || h.OomScoreAdj != 100 {
		t.Errorf("pids %v cpuset %q shm %d oom %d", h.PidsLimit, h.CpusetCpus, h.ShmSize, h.OomScoreAdj)
	}
	if len(h.Ulimits) != 2 || *h.Ulimits[0] != (container.Ulimit{Name: "core", Soft: 0, Hard: 0}) ||
		*h.Ulimits[1] != (container.Ulimit{Name: "nofile", Soft: 10, Hard: 20}) {
		t.Errorf("ulimits %+v", h.Ulimits)
	}
	if h.RestartPolicy != (container.RestartPolicy{Name: "on-failure", MaximumRetryCount: 3}) {
		t.Errorf("restart %+v", h.RestartPolicy)
	}
}

func TestCreateMountsAndNamespaces(t *testing.T) {
	body := createBody(t, nil, "-v", "/data:/data:ro", "-v", "/anon", "-v", "named:/n",
		"--mount", "type=tmpfs,target=/scratch,tmpfs-size=1m", "--mount", "type=bind,src=/etc,dst=/host-etc,readonly",
		"--tmpfs", "/run:rw,size=65536k", "--tmpfs", "/tmp",
		"--read-only", "--cap-add", "NET_ADMIN", "--cap-drop", "ALL", "--privileged", "--init",
		"--sysctl", "net.ipv4.ip_forward=1", "--group-add", "audio", "--ipc", "private", "--pid", "host",
		"--uts", "host", "--cgroupns", "private", "-h", "box", "--domainname", "example.org",
		"-u", "1000:1000", "-w", "/work", "--stop-signal", "SIGUSR1", "--stop-timeout", "5",
		"--log-driver", "json-file", "--log-opt", "max-size=1m", "busybox")
	h, c := body.HostConfig, body.Config
	if !reflect.DeepEqual(h.Binds, []string{"/data:/data:ro", "named:/n"}) {
		t.Errorf("binds %q", h.Binds)
	}
	if _, ok := c.Volumes["/anon"]; !ok || len(c.Volumes) != 1 {
		t.Errorf("volumes %v", c.Volumes)
	}
	wantMounts := []mount.Mount{
		{Type: mount.TypeTmpfs, Target: "/scratch", TmpfsOptions: &mount.TmpfsOptions{SizeBytes: 1 << 20}},
		{Type: mount.TypeBind, Source: "/etc", Target: "/host-etc", ReadOnly: true},
	}
	if !reflect.DeepEqual(h.Mounts, wantMounts) {
		t.Errorf("mounts %+v", h.Mounts)
	}
	if !reflect.DeepEqual(h.Tmpfs, map[string]string{"/run": "rw,size=65536k", "/tmp": ""}) {
		t.Errorf("tmpfs %v", h.Tmpfs)
	}
	if !h.ReadonlyRootfs || !h.Privileged || h.Init == nil || !*h.Init || h.CapAdd[0] != "CAP_NET_ADMIN" || h.CapDrop[0] != "ALL" {
		t.Errorf("security %+v", h)
	}
	if h.Sysctls["net.ipv4.ip_forward"] != "1" || h.GroupAdd[0] != "audio" || h.IpcMode != "private" ||
		h.PidMode != "host" || h.UTSMode != "host" || h.CgroupnsMode != "private" {
		t.Errorf("namespaces %+v", h)
	}
	if c.Hostname != "box" || c.Domainname != "example.org" || c.User != "1000:1000" || c.WorkingDir != "/work" ||
		c.StopSignal != "SIGUSR1" || c.StopTimeout == nil || *c.StopTimeout != 5 {
		t.Errorf("config %+v", c)
	}
	if h.LogConfig.Type != "json-file" || h.LogConfig.Config["max-size"] != "1m" {
		t.Errorf("log config %+v", h.LogConfig)
	}
}

func TestCreateNetworkAndPorts(t *testing.T) {
	body := createBody(t, nil, "-p", "8080:80", "-p", "127.0.0.1:53:53/udp", "--expose", "9000-9001", "-P",
		"--add-host", "db=10.0.0.2", "--add-host", "gw:host-gateway", "--dns", "1.1.1.1", "--dns-search", "example.org",
		"--dns-option", "ndots:2", "--network", "host", "busybox")
	h := body.HostConfig
	if h.NetworkMode != "host" || !h.PublishAllPorts {
		t.Errorf("network mode %q publish all %v", h.NetworkMode, h.PublishAllPorts)
	}
	b80 := h.PortBindings[network.MustParsePort("80/tcp")]
	b53 := h.PortBindings[network.MustParsePort("53/udp")]
	if len(b80) != 1 || b80[0].HostPort != "8080" || b80[0].HostIP.IsValid() ||
		len(b53) != 1 || b53[0].HostIP.String() != "127.0.0.1" || b53[0].HostPort != "53" {
		t.Errorf("bindings %+v", h.PortBindings)
	}
	var exposed []string
	for p := range body.ExposedPorts {
		exposed = append(exposed, p.String())
	}
	slices.Sort(exposed)
	if strings.Join(exposed, " ") != "53/udp 80/tcp 9000/tcp 9001/tcp" {
		t.Errorf("exposed %q", exposed)
	}
	if !reflect.DeepEqual(h.ExtraHosts, []string{"db:10.0.0.2", "gw:host-gateway"}) {
		t.Errorf("extra hosts %q", h.ExtraHosts)
	}
	if len(h.DNS) != 1 || h.DNS[0].String() != "1.1.1.1" || h.DNSSearch[0] != "example.org" || h.DNSOptions[0] != "ndots:2" {
		t.Errorf("dns %v %v %v", h.DNS, h.DNSSearch, h.DNSOptions)
	}
	if body.NetworkingConfig == nil || len(body.NetworkingConfig.EndpointsConfig) != 0 {
		t.Errorf("endpoints %+v", body.NetworkingConfig)
	}
	def := createBody(t, nil, "busybox")
	if def.HostConfig.NetworkMode != "default" || def.NetworkingConfig.EndpointsConfig["default"] == nil {
		t.Errorf("default network %q %+v", def.HostConfig.NetworkMode, def.NetworkingConfig)
	}
}

func TestCreateEntrypointAndCommand(t *testing.T) {
	body := createBody(t, nil, "--entrypoint", "", "busybox", "ls", "-l", "-v", "--", "-c")
	if !reflect.DeepEqual(body.Entrypoint, []string{""}) {
		t.Errorf("entrypoint %q, want [\"\"]", body.Entrypoint)
	}
	// The command's own flags are not skiff's: -l and -v are not rewritten.
	if !reflect.DeepEqual(body.Cmd, []string{"ls", "-l", "-v", "--", "-c"}) {
		t.Errorf("cmd %q", body.Cmd)
	}
	if body.Labels == nil || len(body.Labels) != 0 || len(body.HostConfig.Binds) != 0 {
		t.Errorf("command flags leaked: labels %v binds %v", body.Labels, body.HostConfig.Binds)
	}
	body = createBody(t, nil, "--entrypoint", "/bin/sh", "busybox")
	if !reflect.DeepEqual(body.Entrypoint, []string{"/bin/sh"}) || body.Cmd != nil {
		t.Errorf("entrypoint %q cmd %q", body.Entrypoint, body.Cmd)
	}
	if body = createBody(t, nil, "busybox"); body.Entrypoint != nil {
		t.Errorf("entrypoint %q without the flag", body.Entrypoint)
	}
}

func TestCreateSeccompProfile(t *testing.T) {
	profile := writeFile(t, "seccomp.json", "{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"syscalls\": []\n}\n")
	body := createBody(t, nil, "--security-opt", "seccomp="+profile, "--security-opt", "no-new-privileges",
		"--security-opt", "seccomp=unconfined", "--security-opt", "systempaths=unconfined", "busybox")
	want := []string{`seccomp={"defaultAction":"SCMP_ACT_ERRNO","syscalls":[]}`, "no-new-privileges", "seccomp=unconfined"}
	if !reflect.DeepEqual(body.HostConfig.SecurityOpt, want) {
		t.Errorf("security opts %q, want %q", body.HostConfig.SecurityOpt, want)
	}
	if body.HostConfig.MaskedPaths == nil || len(body.HostConfig.MaskedPaths) != 0 || body.HostConfig.ReadonlyPaths == nil {
		t.Errorf("systempaths=unconfined: masked %v readonly %v", body.HostConfig.MaskedPaths, body.HostConfig.ReadonlyPaths)
	}
}

func TestParseOptionErrors(t *testing.T) {
	none := func(string) (string, bool) { return "", false }
	tests := []struct {
		opts containerOptions
		want string
	}{
		{containerOptions{Memory: "lots"}, `invalid argument "lots" for "-m, --memory" flag: invalid size: 'lots'`},
		{containerOptions{CPUs: "0.0000000001"}, `invalid argument "0.0000000001" for "--cpus" flag: value is too precise`},
		{containerOptions{Restart: "on-failure:x"}, "invalid restart policy format: maximum retry count must be an integer"},
		{containerOptions{Restart: ":3"}, "invalid restart policy format: no policy provided before colon"},
		{containerOptions{Ulimit: []string{"nofile=a"}}, `invalid argument "nofile=a" for "--ulimit" flag`},
		{containerOptions{SecurityOpt: []string{"seccomp=/nonexistent/p.json"}}, "opening seccomp profile (/nonexistent/p.json) failed"},
		{containerOptions{SecurityOpt: []string{"label"}}, `invalid --security-opt: "label"`},
		{containerOptions{Sysctl: []string{"kernel.hostname=x"}}, "sysctl 'kernel.hostname=x' is not allowed"},
		{containerOptions{AddHost: []string{"db:nope"}}, `invalid IP address in add-host: "nope"`},
		{containerOptions{Attach: []string{"stdweird"}}, "valid streams are STDIN, STDOUT and STDERR"},
		{containerOptions{Volume: []string{"a:b:c:d"}}, "too many colons"},
		{containerOptions{Mount: []string{"type=bind,source=/x"}}, "target is required"},
		{containerOptions{Publish: []string{"http"}}, "http"},
		{containerOptions{PID: "bogus"}, "--pid: invalid PID mode"},
		{containerOptions{HealthRetries: -1}, "--health-retries cannot be negative"},
		{containerOptions{NoHealthcheck: true, HealthCmd: "true"}, "--no-healthcheck conflicts with --health-* options"},
		{containerOptions{EnvFile: []string{"/nonexistent/env"}}, "--env-file: open /nonexistent/env"},
		{containerOptions{Label: []string{"bad key=1"}}, "label 'bad key' contains whitespaces"},
	}
	for _, tt := range tests {
		o := tt.opts
		if o.Restart == "" {
			o.Restart = "no"
		}
		if o.MemorySwappiness == 0 {
			o.MemorySwappiness = -1
		}
		_, err := o.toConfig("busybox", nil, none)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: error %v, want %q", tt.want, err, tt.want)
		}
	}
	var fe *flagValueError
	o := containerOptions{Memory: "x", Restart: "no", MemorySwappiness: -1}
	if _, err := o.toConfig("busybox", nil, none); !errors.As(err, &fe) {
		t.Errorf("memory error %T is not a flag error", err)
	}
}

func TestHealthcheckFlags(t *testing.T) {
	body := createBody(t, nil, "--health-cmd", "curl -f localhost", "--health-interval", "5s", "--health-retries", "3", "busybox")
	hc := body.Healthcheck
	if hc == nil || !reflect.DeepEqual(hc.Test, []string{"CMD-SHELL", "curl -f localhost"}) || hc.Interval.Seconds() != 5 || hc.Retries != 3 {
		t.Errorf("healthcheck %+v", hc)
	}
	if hc := createBody(t, nil, "--no-healthcheck", "busybox").Healthcheck; hc == nil || hc.Test[0] != "NONE" {
		t.Errorf("no-healthcheck %+v", hc)
	}
}

func TestRewriteContainerShorts(t *testing.T) {
	tests := []struct{ in, want string }{
		{"run -h box -c 5 -l a=b -v /x:/y busybox ls -l -v -h", "run --hostname box --cpu-shares 5 --label a=b --volume /x:/y busybox ls -l -v -h"},
		{"run -e X -l a=b -itd busybox", "run -e X --label a=b -itd busybox"},
		{"run -d -lfoo=bar -c5 busybox", "run -d --label=foo=bar --cpu-shares=5 busybox"},
		{"run --name x -v /a busybox -v", "run --name x --volume /a busybox -v"},
		{"container create -h n busybox", "container create --hostname n busybox"},
		{"-H unix:///x.sock rm -fv a b", "-H unix:///x.sock rm -f --volumes a b"},
		{"rm -lv a", "rm --link --volumes a"},
		{"container ls -l", "container ls --latest"},
		{"ps -aql", "ps -aq --latest"},
		{"commit -c CMD=x ctr img", "commit --change CMD=x ctr img"},
		{"update -c 5 ctr", "update --cpu-shares 5 ctr"},
		{"logs -f ctr", "logs -f ctr"},
		{"run --memory-swap -1 --pids-limit -1 -m 1g busybox", "run --memory-swap=-1 --pids-limit=-1 -m 1g busybox"},
		{"update --memory-swap -1 ctr", "update --memory-swap=-1 ctr"},
	}
	root := testModel(t)
	for _, tt := range tests {
		if got := strings.Join(rewriteShorts(strings.Fields(tt.in), root), " "); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
		}
	}
}

// testModel is skiff's command tree, as the CLI builds it.
func testModel(t *testing.T) *kong.Node {
	t.Helper()
	p, err := kong.New(&rootCmd{}, kong.Vars{"version": "test", "config_dir": t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return p.Model.Node
}
