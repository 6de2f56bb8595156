package integration

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// The network API and CLI surface: create/ls/inspect/rm/prune/connect/
// disconnect round trips, filters, and dockerd's answers to bad input.
// Expectations marked "dockerd 20.10" are what the reference rootless
// dockerd 20.10 (with slirp4netns networking) answers where current moby,
// which skiff follows, has changed the message or status.

// networkNames lists the daemon's network names (sorted, as docker does).
func napiNetworkNames(t *testing.T, d *harness.Daemon) []string {
	t.Helper()
	return strings.Fields(d.For(t).MustDocker("network", "ls", "--format", "{{.Name}}"))
}

// removeNetworksAtEnd removes networks when the test ends (after its
// containers, since cleanups run last-registered first).
func napiRemoveNetworksAtEnd(t *testing.T, d *harness.Daemon, names ...string) {
	t.Helper()
	t.Cleanup(func() {
		for _, n := range names {
			d.For(t).Docker("network", "rm", n)
		}
	})
}

// apiJSON sends a JSON request and returns the status and the decoded
// {"message": ...} of an error answer ("" for a success).
func napiRequest(t *testing.T, d *harness.Daemon, method, path, body string) (int, string) {
	t.Helper()
	var h http.Header
	var b []byte
	if body != "" {
		h = http.Header{"Content-Type": {"application/json"}}
		b = []byte(body)
	}
	status, _, resp := d.For(t).Request(method, path, h, b)
	if status < 300 {
		return status, ""
	}
	var e struct{ Message string }
	if err := json.Unmarshal(resp, &e); err != nil {
		t.Fatalf("%s %s: %d with a body that is not {\"message\"}: %q", method, path, status, resp)
	}
	return status, e.Message
}

// byTarget picks the expectation for the daemon under test.
func napiByTarget[T any](skiff, docker T) T {
	if harness.TargetIsDocker() {
		return docker
	}
	return skiff
}

func TestNetworkAPIPredefined(t *testing.T) {
	d := harness.StartDaemon(t)
	names := napiNetworkNames(t, d)
	for _, n := range []string{"bridge", "host", "none"} {
		if !slices.Contains(names, n) {
			t.Errorf("network ls %q lacks the predefined %q", names, n)
		}
	}
	out := d.MustDocker("network", "ls")
	if !strings.HasPrefix(out, "NETWORK ID     NAME      DRIVER    SCOPE\n") {
		t.Errorf("network ls header:\n%s", out)
	}
	drivers := strings.Fields(d.MustDocker("network", "ls", "--filter", "type=builtin", "--format", "{{.Name}}/{{.Driver}}/{{.Scope}}"))
	for _, want := range []string{"bridge/bridge/local", "host/host/local", "none/null/local"} {
		if !slices.Contains(drivers, want) {
			t.Errorf("builtin networks %q lack %q", drivers, want)
		}
	}
	for _, n := range []string{"bridge", "host", "none"} {
		r := d.DockerFail("network", "rm", n)
		if want := "Error response from daemon: " + n + " is a pre-defined network and cannot be removed\nexit status 1\n"; r.Stderr != want || r.ExitCode != 1 {
			t.Errorf("rm %s: %s\nwant stderr %q", n, r, want)
		}
		if status, msg := napiRequest(t, d, "DELETE", "/networks/"+n, ""); status != 403 {
			t.Errorf("DELETE /networks/%s: %d %q, want 403", n, status, msg)
		}
	}
	// Creating a predefined name is refused (403, dockerd's trailing space).
	status, msg := napiRequest(t, d, "POST", "/networks/create", `{"Name":"host"}`)
	if status != 403 || msg != "operation is not permitted on predefined host network " {
		t.Errorf("create host: %d %q", status, msg)
	}
	if got := napiNetworkNames(t, d); !slices.Equal(got, names) {
		t.Errorf("networks changed by refused requests: %q, was %q", got, names)
	}
}

func TestNetworkAPIRoundTrip(t *testing.T) {
	d := harness.StartDaemon(t)
	name := uniqueName(t, "net")
	napiRemoveNetworksAtEnd(t, d, name)

	id := strings.TrimSpace(d.MustDocker("network", "create", "--subnet", "10.231.0.0/24", "--gateway", "10.231.0.254",
		"--ip-range", "10.231.0.0/25", "--label", "team=web", "--label", "tier", "-o", "com.example.opt=1", name))
	if len(id) != 64 {
		t.Fatalf("network create printed %q, want a 64-hex ID", id)
	}
	var nets []map[string]any
	mustJSON(t, d.MustDocker("network", "inspect", name), &nets)
	if len(nets) != 1 {
		t.Fatalf("inspect returned %d networks", len(nets))
	}
	n := nets[0]
	for _, key := range []string{"Name", "Id", "Created", "Scope", "Driver", "EnableIPv6", "IPAM", "Internal",
		"Attachable", "Ingress", "ConfigFrom", "ConfigOnly", "Containers", "Options", "Labels"} {
		if _, ok := n[key]; !ok {
			t.Errorf("inspect lacks %q: %v", key, n)
		}
	}
	if n["Name"] != name || n["Id"] != id || n["Scope"] != "local" || n["Driver"] != "bridge" || n["Internal"] != false {
		t.Errorf("inspect: %v", n)
	}
	if labels, _ := n["Labels"].(map[string]any); labels["team"] != "web" || labels["tier"] != "" {
		t.Errorf("labels %v", n["Labels"])
	}
	if opts, _ := n["Options"].(map[string]any); opts["com.example.opt"] != "1" {
		t.Errorf("options %v", n["Options"])
	}
	if c, ok := n["Containers"].(map[string]any); !ok || len(c) != 0 {
		t.Errorf("Containers %v: want an empty map", n["Containers"])
	}
	ipam := d.MustDocker("network", "inspect", "-f", "{{json .IPAM.Config}}", name)
	for _, want := range []string{`"Subnet":"10.231.0.0/24"`, `"IPRange":"10.231.0.0/25"`, `"Gateway":"10.231.0.254"`} {
		if !strings.Contains(ipam, want) {
			t.Errorf("IPAM config %s lacks %s", ipam, want)
		}
	}
	// By ID prefix, by name, -f templates.
	if got := d.MustDocker("network", "inspect", "-f", "{{.Name}} {{.Driver}}", id[:12]); got != name+" bridge\n" {
		t.Errorf("inspect by short ID: %q", got)
	}

	// ls: the row, --no-trunc, -q, filters.
	rows := d.MustDocker("network", "ls", "--filter", "name="+name)
	if !strings.Contains(rows, id[:12]+"   "+name+"   ") || strings.Contains(rows, "host") {
		t.Errorf("ls --filter name:\n%s", rows)
	}
	if got := d.MustDocker("network", "ls", "-q", "--no-trunc", "--filter", "label=team=web"); got != id+"\n" {
		t.Errorf("ls -q --no-trunc label=team=web: %q", got)
	}
	if got := d.MustDocker("network", "ls", "-q", "--filter", "id="+id[:10]); got != id[:12]+"\n" {
		t.Errorf("ls -q id prefix: %q", got)
	}
	for filter, listed := range map[string]bool{
		"driver=bridge": true, "driver=host": false, "scope=local": true, "type=custom": true,
		"type=builtin": false, "dangling=true": true, "dangling=false": false, "label=team=other": false,
	} {
		got := strings.Fields(d.MustDocker("network", "ls", "--format", "{{.Name}}", "--filter", filter))
		if slices.Contains(got, name) != listed {
			t.Errorf("ls --filter %s: %q (listed want %v)", filter, got, listed)
		}
	}
	// Unknown filter keys and bad values are 400s.
	r := d.DockerFail("network", "ls", "--filter", "foo=bar")
	if want := napiByTarget("Error response from daemon: invalid filter 'foo'", "Error response from daemon: Invalid filter 'foo'"); !strings.Contains(r.Stderr, want) {
		t.Errorf("ls --filter foo=bar: %s\nwant %q", r, want)
	}
	r = d.DockerFail("network", "ls", "--filter", "dangling=maybe")
	if !strings.Contains(r.Stderr, `invalid value for filter 'dangling', must be "true" (or "1"), or "false" (or "0")`) {
		t.Errorf("ls --filter dangling=maybe: %s", r)
	}

	// docker-py sees the same network, and makes and removes its own.
	r = d.Python(harness.PythonPrelude + `
n = client.networks.get("` + name + `")
print(n.id, n.name, n.attrs["Driver"], n.attrs["IPAM"]["Config"][0]["Subnet"])
print(sorted(x.name for x in client.networks.list(names=["` + name + `"])))
m = client.networks.create("` + name + `-py", driver="bridge", labels={"py": "1"}, internal=True)
m.reload()
print(m.attrs["Internal"], m.attrs["Labels"], m.attrs["Driver"])
m.remove()
try:
    client.networks.get("` + name + `-py")
except docker.errors.NotFound as e:
    print("gone", e.explanation)
`)
	wantPy := id + " " + name + " bridge 10.231.0.0/24\n['" + name + "']\nTrue {'py': '1'} bridge\ngone network " + name + "-py not found\n"
	if r.ExitCode != 0 || r.Stdout != wantPy {
		t.Errorf("docker-py: %s\nwant stdout %q", r, wantPy)
	}

	// rm prints the name as given; a second rm is 404 with dockerd's text.
	if got := d.MustDocker("network", "rm", name); got != name+"\n" {
		t.Errorf("rm printed %q", got)
	}
	r = d.DockerFail("network", "rm", name)
	if want := "Error response from daemon: network " + name + " not found\nexit status 1\n"; r.Stderr != want {
		t.Errorf("second rm: %s\nwant %q", r, want)
	}
	if got := d.MustDocker("network", "rm", "-f", name); got != "" {
		t.Errorf("rm -f of a missing network printed %q", got)
	}
	if status, msg := napiRequest(t, d, "GET", "/networks/"+name, ""); status != 404 || msg != "network "+name+" not found" {
		t.Errorf("GET removed network: %d %q", status, msg)
	}
}

func TestNetworkAPIBadInput(t *testing.T) {
	d := harness.StartDaemon(t)
	first := uniqueName(t, "net")
	napiRemoveNetworksAtEnd(t, d, first)
	d.MustDocker("network", "create", "--subnet", "10.232.0.0/24", first)
	before := napiNetworkNames(t, d)

	t.Run("DuplicateName", func(t *testing.T) {
		r := d.For(t).DockerFail("network", "create", first)
		if want := "Error response from daemon: network with name " + first + " already exists\n"; r.Stderr != want {
			t.Errorf("%s\nwant %q", r, want)
		}
		// Since API 1.44 CheckDuplicate is gone and a duplicate is always 409.
		if harness.TargetIsDocker() {
			return // dockerd 20.10 (API 1.41) still honours CheckDuplicate=false
		}
		status, msg := napiRequest(t, d, "POST", "/networks/create", `{"Name":"`+first+`","CheckDuplicate":false}`)
		if status != 409 || msg != "network with name "+first+" already exists" {
			t.Errorf("API duplicate: %d %q", status, msg)
		}
	})
	t.Run("OverlappingSubnet", func(t *testing.T) {
		r := d.For(t).DockerFail("network", "create", "--subnet", "10.232.0.0/25", uniqueName(t, "ov"))
		want := napiByTarget("Error response from daemon: invalid pool request: Pool overlaps with other one on this address space\n",
			"Error response from daemon: Pool overlaps with other one on this address space\n")
		if r.Stderr != want {
			t.Errorf("%s\nwant %q", r, want)
		}
		status, _ := napiRequest(t, d, "POST", "/networks/create", `{"Name":"ov2","IPAM":{"Config":[{"Subnet":"10.232.0.128/25"}]}}`)
		if status != 403 {
			t.Errorf("API overlapping subnet: status %d, want 403", status)
		}
	})
	t.Run("InvalidCIDR", func(t *testing.T) {
		r := d.For(t).DockerFail("network", "create", "--subnet", "10.233.0.0/33", uniqueName(t, "cidr"))
		want := napiByTarget(`Error response from daemon: invalid JSON: netip.ParsePrefix("10.233.0.0/33"): prefix length out of range`,
			"Error response from daemon: Invalid subnet 10.233.0.0/33 : invalid CIDR address: 10.233.0.0/33")
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("%s\nwant %q", r, want)
		}
		status, _ := napiRequest(t, d, "POST", "/networks/create", `{"Name":"cidr2","IPAM":{"Config":[{"Subnet":"nonsense"}]}}`)
		if want := napiByTarget(400, 500); status != want {
			t.Errorf("API invalid subnet: status %d, want %d", status, want)
		}
	})
	t.Run("HostBitsInSubnet", func(t *testing.T) {
		if harness.TargetIsDocker() {
			return // dockerd 20.10 accepts it and masks the subnet; moby 26+ refuses
		}
		status, msg := napiRequest(t, d, "POST", "/networks/create", `{"Name":"hb","IPAM":{"Config":[{"Subnet":"10.234.0.1/24"}]}}`)
		if status != 400 || msg != "invalid network config:\ninvalid subnet 10.234.0.1/24: it should be 10.234.0.0/24" {
			t.Errorf("%d %q", status, msg)
		}
	})
	t.Run("GatewayOutsideSubnet", func(t *testing.T) {
		// docker's CLI checks this itself, before any request.
		r := d.For(t).DockerFail("network", "create", "--subnet", "10.235.0.0/24", "--gateway", "10.236.0.1", uniqueName(t, "gw"))
		if r.Stderr != "no matching subnet for gateway 10.236.0.1\n" {
			t.Errorf("CLI: %s", r)
		}
		// The daemon's own check, through docker-py.
		r = d.For(t).Python(harness.PythonPrelude + `
import docker.types
pool = docker.types.IPAMPool(subnet="10.235.0.0/24", gateway="10.236.0.1")
try:
    client.networks.create("gw2", ipam=docker.types.IPAMConfig(pool_configs=[pool]))
    print("created")
except docker.errors.APIError as e:
    print(e.status_code, json.dumps(e.explanation))
`)
		want := napiByTarget(`400 "invalid network config:\ninvalid gateway 10.236.0.1: parent subnet 10.235.0.0/24 doesn't contain this address"`,
			`500 "failed to allocate gateway (10.236.0.1): Requested address is out of range"`)
		if strings.TrimSpace(r.Stdout) != want {
			t.Errorf("docker-py: %s\nwant %s", r, want)
		}
	})
	t.Run("BadJSONAndFilters", func(t *testing.T) {
		if status, _ := napiRequest(t, d, "POST", "/networks/create", `{"Name":`); status != 400 {
			t.Errorf("truncated JSON: %d", status)
		}
		status, msg := napiRequest(t, d, "GET", `/networks?filters={"foo":{"x":true}}`, "")
		if want := napiByTarget("invalid filter 'foo'", "Invalid filter 'foo'"); status != 400 || msg != want {
			t.Errorf("unknown list filter: %d %q", status, msg)
		}
		status, msg = napiRequest(t, d, "POST", `/networks/prune?filters={"dangling":{"true":true}}`, "")
		if want := napiByTarget("invalid filter 'dangling'", "Invalid filter 'dangling'"); status != 400 || msg != want {
			t.Errorf("unknown prune filter: %d %q", status, msg)
		}
		status, msg = napiRequest(t, d, "GET", "/networks/"+first+"?verbose=maybe", "")
		if status != 400 || !strings.HasPrefix(msg, "invalid value for verbose: maybe") {
			t.Errorf("verbose=maybe: %d %q", status, msg)
		}
	})
	// Nothing half-made.
	if got := napiNetworkNames(t, d); !slices.Equal(got, before) {
		t.Errorf("networks after refused creates: %q, want %q", got, before)
	}
}

func TestNetworkAPIPrune(t *testing.T) {
	d := harness.StartDaemon(t)
	keep, gone := uniqueName(t, "keep"), uniqueName(t, "gone")
	napiRemoveNetworksAtEnd(t, d, keep, gone)
	d.MustDocker("network", "create", "--label", "keep=yes", keep)
	d.MustDocker("network", "create", gone)

	// No at the prompt: nothing goes.
	r := d.DockerInput("n\n", "network", "prune")
	if !strings.Contains(r.Stdout, "WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N]") {
		t.Errorf("prompt: %s", r)
	}
	if names := napiNetworkNames(t, d); !slices.Contains(names, gone) {
		t.Fatalf("answering no removed %s: %q", gone, names)
	}
	out := d.MustDocker("network", "prune", "-f", "--filter", "label!=keep=yes")
	if !strings.HasPrefix(out, "Deleted Networks:\n") || !strings.Contains(out, gone+"\n") || strings.Contains(out, keep) {
		t.Errorf("prune output:\n%s", out)
	}
	names := napiNetworkNames(t, d)
	if slices.Contains(names, gone) || !slices.Contains(names, keep) || !slices.Contains(names, "bridge") {
		t.Errorf("after prune: %q", names)
	}
	// docker-py's prune reports the names.
	r = d.Python(harness.PythonPrelude + `print(json.dumps(client.networks.prune(filters={"label": "keep=yes"})))`)
	if r.ExitCode != 0 || !strings.Contains(r.Stdout, `"NetworksDeleted": ["`+keep+`"]`) {
		t.Errorf("docker-py prune: %s", r)
	}
}

func TestNetworkAPIConnectDisconnect(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	net1, net2 := uniqueName(t, "n1"), uniqueName(t, "n2")
	napiRemoveNetworksAtEnd(t, d, net1, net2)
	d.MustDocker("network", "create", "--subnet", "10.237.0.0/24", net1)
	d.MustDocker("network", "create", net2)
	ctr := uniqueName(t, "c")
	removeContainersAtEnd(t, d, ctr)
	d.MustDocker("run", "-d", "--name", ctr, "--network", net1, "--network-alias", "web", "--ip", "10.237.0.9", bb, "sleep", "300")

	var endpoints map[string]struct {
		Name        string
		IPv4Address string
	}
	mustJSON(t, d.MustDocker("network", "inspect", "-f", "{{json .Containers}}", net1), &endpoints)
	if len(endpoints) != 1 {
		t.Fatalf("%s Containers: %v", net1, endpoints)
	}
	for id, ep := range endpoints {
		if len(id) != 64 || ep.Name != ctr || ep.IPv4Address != "10.237.0.9/24" {
			t.Errorf("endpoint %s: %+v", id, ep)
		}
	}
	// A network in use is not dangling (dockerd 20.10 got this wrong: its
	// list had no attachments to look at) and cannot be removed.
	if got := strings.Fields(d.MustDocker("network", "ls", "--format", "{{.Name}}", "--filter", "dangling=true")); slices.Contains(got, net1) && !harness.TargetIsDocker() {
		t.Errorf("in-use network listed as dangling: %q", got)
	}
	r := d.DockerFail("network", "rm", net1)
	if !strings.Contains(r.Stderr, "error while removing network: network "+net1+" id ") || !strings.Contains(r.Stderr, "has active endpoints") {
		t.Errorf("rm of an in-use network: %s", r)
	}

	d.MustDocker("network", "connect", "--alias", "api", net2, ctr)
	aliases := d.MustDocker("inspect", "-f", "{{json (index .NetworkSettings.Networks \""+net2+"\").Aliases}}", ctr)
	if !strings.Contains(aliases, `"api"`) {
		t.Errorf("aliases on %s: %s", net2, aliases)
	}
	r = d.DockerFail("network", "connect", net2, ctr)
	if want := "Error response from daemon: endpoint with name " + ctr + " already exists in network " + net2 + "\n"; r.Stderr != want {
		t.Errorf("second connect: %s\nwant %q", r, want)
	}
	d.MustDocker("network", "disconnect", net2, ctr)
	nets := d.MustDocker("inspect", "-f", "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}", ctr)
	if strings.Contains(nets, net2) || !strings.Contains(nets, net1) {
		t.Errorf("networks after disconnect: %q", nets)
	}
	r = d.DockerFail("network", "disconnect", net2, ctr)
	if !strings.HasPrefix(r.Stderr, "Error response from daemon: container ") || !strings.Contains(r.Stderr, " is not connected to network "+net2+"\n") {
		t.Errorf("second disconnect: %s", r)
	}
	// Unknown container or network: 404 with dockerd's words.
	r = d.DockerFail("network", "connect", net2, "nosuchctr")
	if r.Stderr != "Error response from daemon: No such container: nosuchctr\n" {
		t.Errorf("connect unknown container: %s", r)
	}
	r = d.DockerFail("network", "disconnect", "nosuchnet", ctr)
	if r.Stderr != "Error response from daemon: network nosuchnet not found\n" {
		t.Errorf("disconnect unknown network: %s", r)
	}
	// docker-py round trip.
	r = d.Python(harness.PythonPrelude + `
n = client.networks.get("` + net2 + `")
c = client.containers.get("` + ctr + `")
n.connect(c, aliases=["py"])
n.reload()
print(sorted(x.name for x in n.containers))
n.disconnect(c, force=True)
n.reload()
print(len(n.containers))
`)
	if r.ExitCode != 0 || r.Stdout != "['"+ctr+"']\n0\n" {
		t.Errorf("docker-py connect/disconnect: %s", r)
	}
}

func TestNetworkAPIRunUnknownNetwork(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	name := uniqueName(t, "c")
	removeContainersAtEnd(t, d, name)
	r := d.DockerFail("run", "--name", name, "--network", "nosuchnet", bb, "true")
	if r.ExitCode != 125 || !strings.Contains(r.Stderr, "Error response from daemon: network nosuchnet not found") {
		t.Errorf("%s\nwant exit 125 and dockerd's not-found message", r)
	}
}

func TestNetworkAPISkiffCLI(t *testing.T) {
	// The skiff CLI speaks the Docker API: against dockerd too.
	d := harness.StartDaemon(t)
	name := uniqueName(t, "sk")
	napiRemoveNetworksAtEnd(t, d, name)
	id := strings.TrimSpace(d.MustSkiff("network", "create", "--subnet", "10.238.0.0/24", "--label", "a=b", name))
	if len(id) != 64 {
		t.Fatalf("skiff network create printed %q", id)
	}
	if got, want := d.MustSkiff("network", "ls", "--filter", "name="+name), d.MustDocker("network", "ls", "--filter", "name="+name); got != want {
		t.Errorf("skiff network ls:\n%s\ndocker network ls:\n%s", got, want)
	}
	if got, want := d.MustSkiff("network", "inspect", name), d.MustDocker("network", "inspect", name); got != want {
		t.Errorf("skiff network inspect:\n%s\ndocker network inspect:\n%s", got, want)
	}
	if got := d.MustSkiff("network", "inspect", "-v", "-f", "{{.Name}} {{index .Labels \"a\"}}", id[:12]); got != name+" b\n" {
		t.Errorf("skiff network inspect -v -f: %q", got)
	}
	// The moby client sends no CheckDuplicate, which dockerd before API
	// 1.44 needs to refuse a duplicate; skiff always refuses one.
	if !harness.TargetIsDocker() {
		r := d.Skiff("network", "create", name)
		if r.ExitCode != 1 || r.Stderr != "Error response from daemon: network with name "+name+" already exists\n" {
			t.Errorf("duplicate: %s", r)
		}
	}
	// run's advanced --network syntax, then connect and disconnect.
	bb := busybox(t, d)
	ctr := uniqueName(t, "c")
	removeContainersAtEnd(t, d, ctr)
	d.MustSkiff("run", "-d", "--name", ctr, "--network", "name="+name+",alias=web,ip=10.238.0.7", bb, "sleep", "300")
	ep := d.MustDocker("inspect", "-f", "{{with index .NetworkSettings.Networks \""+name+"\"}}{{.IPAddress}} {{json .Aliases}}{{end}}", ctr)
	if !strings.HasPrefix(ep, "10.238.0.7 ") || !strings.Contains(ep, `"web"`) {
		t.Errorf("endpoint from --network name=...,alias=web,ip=...: %q", ep)
	}
	d.MustSkiff("network", "disconnect", "-f", name, ctr)
	d.MustSkiff("network", "connect", "--alias", "again", "--ip", "10.238.0.8", name, ctr)
	ep = d.MustDocker("inspect", "-f", "{{with index .NetworkSettings.Networks \""+name+"\"}}{{.IPAddress}} {{json .Aliases}}{{end}}", ctr)
	if !strings.HasPrefix(ep, "10.238.0.8 ") || !strings.Contains(ep, `"again"`) {
		t.Errorf("endpoint after skiff network connect --alias again --ip: %q", ep)
	}
	d.MustDocker("rm", "-f", ctr)

	r := d.Skiff("network", "rm", "bridge", name)
	if r.ExitCode != 1 || r.Stdout != name+"\n" || r.Stderr != "Error response from daemon: bridge is a pre-defined network and cannot be removed\nexit status 1\n" {
		t.Errorf("rm bridge and %s: %s", name, r)
	}
	if got := d.MustSkiff("network", "prune", "-f"); got != "" && !strings.HasPrefix(got, "Deleted Networks:\n") {
		t.Errorf("prune: %q", got)
	}
}
