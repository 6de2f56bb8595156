package cli

import (
	"encoding/json"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
)

func testContainers() []container.Summary {
	now := time.Now().Unix()
	return []container.Summary{
		{
			ID: "aaaaaaaaaaaa1111111111111111111111111111111111111111111111111111", Names: []string{"/web", "/other/alias"},
			Image: "docker.io/library/nginx:latest", ImageID: "sha256:1234", Command: "/docker-entrypoint.sh nginx -g 'daemon off;'",
			Created: now - 3600, State: "running", Status: "Up About an hour",
			Ports: []container.PortSummary{
				{PrivatePort: 80, Type: "tcp"}, {PrivatePort: 81, Type: "tcp"},
				{IP: netip.MustParseAddr("0.0.0.0"), PrivatePort: 443, PublicPort: 8443, Type: "tcp"},
			},
			Labels:          map[string]string{"tier": "web", "com.example.team": "ops"},
			NetworkSettings: &container.NetworkSettingsSummary{Networks: map[string]*network.EndpointSettings{"bridge": {}}},
			SizeRw:          2048, SizeRootFs: 4096000,
		},
		{
			ID: "bbbbbbbbbbbb2222222222222222222222222222222222222222222222222222", Names: []string{"/job"},
			Image: "busybox", Command: "true", Created: now - 60, State: "exited", Status: "Exited (0) 1 minute ago",
		},
	}
}

func TestPs(t *testing.T) {
	host, log := apiDaemon(t, routes{"GET /containers/json": jsonHandler(200, testContainers())})
	r := runCLI(t, nil, "", "-H", host, "ps", "-a")
	lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
	if r.code != 0 || len(lines) != 3 {
		t.Fatalf("exit %d stderr %q stdout:\n%s", r.code, r.stderr, r.stdout)
	}
	for _, col := range []string{"CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"} {
		if !strings.Contains(lines[0], col) {
			t.Errorf("header %q lacks %q", lines[0], col)
		}
	}
	for _, want := range []string{"aaaaaaaaaaaa ", "nginx:latest", `"/docker-entrypoint.…"`, "About an hour ago", "Up About an hour",
		"80-81/tcp, 0.0.0.0:8443->443/tcp", " web"} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("row %q lacks %q", lines[1], want)
		}
	}
	if strings.Contains(lines[1], "alias") {
		t.Errorf("truncated names show the link: %q", lines[1])
	}
	if q := log.last(t, "/containers/json").Query; q.Get("all") != "1" {
		t.Errorf("query %v", q)
	}

	r = runCLI(t, nil, "", "-H", host, "ps", "-q", "--no-trunc")
	if r.stdout != testContainers()[0].ID+"\n"+testContainers()[1].ID+"\n" {
		t.Errorf("-q --no-trunc: %q", r.stdout)
	}

	r = runCLI(t, nil, "", "-H", host, "ps", "--format", `{{.Names}}|{{.Label "tier"}}|{{.Labels}}|{{.Networks}}|{{.State}}|{{.Command}}`, "--no-trunc")
	want := "web,other/alias|web|com.example.team=ops,tier=web|bridge|running|\"/docker-entrypoint.sh nginx -g 'daemon off;'\"\njob||||exited|\"true\"\n"
	if r.stdout != want {
		t.Errorf("template:\n%s", r.stdout)
	}

	r = runCLI(t, nil, "", "-H", host, "ps", "--format", "table {{.ID}}\t{{.Size}}")
	if !strings.HasPrefix(r.stdout, "CONTAINER ID   SIZE\n") || !strings.Contains(r.stdout, "2.05kB (virtual 4.1MB)") {
		t.Errorf("size table:\n%s", r.stdout)
	}
	if q := log.last(t, "/containers/json").Query; q.Get("size") != "1" {
		t.Errorf("a .Size template did not ask for sizes: %v", q)
	}

	r = runCLI(t, nil, "", "-H", host, "ps", "--format", "json")
	var row map[string]string
	if err := json.Unmarshal([]byte(strings.SplitN(r.stdout, "\n", 2)[0]), &row); err != nil || row["ID"] != "aaaaaaaaaaaa" || row["Names"] != "web" {
		t.Errorf("json: %v %q", err, r.stdout)
	}
}

func TestPsOptions(t *testing.T) {
	host, log := apiDaemon(t, routes{"GET /containers/json": jsonHandler(200, []container.Summary{})})
	r := runCLI(t, nil, "", "-H", host, "ps", "-f", "status=exited", "--filter", "label=a=b", "-n", "3", "-s")
	if r.code != 0 {
		t.Fatalf("exit %d stderr %q", r.code, r.stderr)
	}
	q := log.last(t, "/containers/json").Query
	var filters map[string]map[string]bool
	_ = json.Unmarshal([]byte(q.Get("filters")), &filters)
	if !reflect.DeepEqual(filters, map[string]map[string]bool{"status": {"exited": true}, "label": {"a=b": true}}) || q.Get("limit") != "3" || q.Get("size") != "1" {
		t.Errorf("query %v", q)
	}
	if !strings.HasSuffix(strings.TrimSpace(r.stdout), "SIZE") {
		t.Errorf("-s table header %q", r.stdout)
	}
	runCLI(t, nil, "", "-H", host, "container", "ls", "-l")
	if q := log.last(t, "/containers/json").Query; q.Get("limit") != "1" {
		t.Errorf("-l: %v", q)
	}
	r = runCLI(t, nil, "", "-H", host, "ps", "-f", "status")
	if r.code != 125 || !strings.Contains(r.stderr, "bad format of filter") {
		t.Errorf("bad filter: exit %d stderr %q", r.code, r.stderr)
	}
}

func TestDisplayPorts(t *testing.T) {
	ip := netip.MustParseAddr("0.0.0.0")
	tests := []struct {
		ports []container.PortSummary
		want  string
	}{
		{nil, ""},
		{[]container.PortSummary{{PrivatePort: 53, Type: "udp"}}, "53/udp"},
		{[]container.PortSummary{{IP: ip, PrivatePort: 80, PublicPort: 80, Type: "tcp"}, {IP: ip, PrivatePort: 81, PublicPort: 81, Type: "tcp"}},
			"0.0.0.0:80-81->80-81/tcp"},
		{[]container.PortSummary{{IP: netip.MustParseAddr("::"), PrivatePort: 80, PublicPort: 8080, Type: "tcp"}, {PrivatePort: 90, Type: "tcp"}, {PrivatePort: 92, Type: "tcp"}},
			"90/tcp, 92/tcp, [::]:8080->80/tcp"},
	}
	for _, tt := range tests {
		if got := displayPorts(tt.ports); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.ports, got, tt.want)
		}
	}
}
