package integration

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// volumeNames lists the volumes `docker volume ls -q` prints for args.
func volumeNames(t *testing.T, d *harness.Daemon, args ...string) []string {
	t.Helper()
	out := d.MustDocker(append([]string{"volume", "ls", "-q"}, args...)...)
	names := lines(out)
	slices.Sort(names)
	return names
}

// removeVolumesAtEnd force-removes volumes when the test ends.
func removeVolumesAtEnd(t *testing.T, d *harness.Daemon, names ...string) {
	t.Helper()
	t.Cleanup(func() {
		for _, n := range names {
			d.For(t).Docker("volume", "rm", "-f", n)
		}
	})
}

// volumeDirs lists what a skiff daemon keeps below its volumes directory
// (nil for a docker target).
func volumeDirs(t *testing.T, d *harness.Daemon) []string {
	t.Helper()
	if d.Env == nil {
		return nil
	}
	entries, err := os.ReadDir(filepath.Join(d.Env.DataHome, "skiff", "volumes"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestVolumeLifecycle(t *testing.T) {
	d := harness.StartDaemon(t)
	name := uniqueName(t, "vol")
	removeVolumesAtEnd(t, d, name)

	if out := strings.TrimSpace(d.MustDocker("volume", "create", "--label", "team=a", "--label", "x", name)); out != name {
		t.Fatalf("volume create printed %q, want %q", out, name)
	}
	var vols []struct {
		Name, Driver, Mountpoint, Scope, CreatedAt string
		Labels, Options                            map[string]string
	}
	mustJSON(t, d.MustDocker("volume", "inspect", name), &vols)
	if len(vols) != 1 {
		t.Fatalf("inspect: %+v", vols)
	}
	v := vols[0]
	if v.Name != name || v.Driver != "local" || v.Scope != "local" || v.Labels["team"] != "a" || v.Options != nil {
		t.Errorf("inspect: %+v", v)
	}
	if !strings.HasSuffix(v.Mountpoint, "/volumes/"+name+"/_data") {
		t.Errorf("Mountpoint %q", v.Mountpoint)
	}
	if _, ok := v.Labels["x"]; !ok {
		t.Errorf("label without value lost: %v", v.Labels)
	}
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$`).MatchString(v.CreatedAt) {
		t.Errorf("CreatedAt %q is not RFC 3339", v.CreatedAt)
	}

	// Creating it again returns it, labels unchanged, as dockerd.
	d.MustDocker("volume", "create", "--label", "team=b", name)
	if got := strings.TrimSpace(d.MustDocker("volume", "inspect", "-f", "{{.Labels.team}}", name)); got != "a" {
		t.Errorf("second create changed the labels: team=%q", got)
	}

	t.Run("ListAndFilters", func(t *testing.T) {
		other := uniqueName(t, "other")
		d.MustDocker("volume", "create", other)
		removeVolumesAtEnd(t, d, other)
		all := volumeNames(t, d)
		if !slices.Contains(all, name) || !slices.Contains(all, other) {
			t.Fatalf("ls: %v", all)
		}
		for _, c := range []struct {
			filter string
			want   []string
		}{
			{"name=" + name, []string{name}},
			{"label=team=a", []string{name}},
			{"label=team", []string{name}},
			{"label=team=zzz", nil},
			{"driver=local", nil}, // both, checked below
			{"dangling=true", nil},
		} {
			got := volumeNames(t, d, "--filter", c.filter)
			switch c.filter {
			case "driver=local", "dangling=true":
				if !slices.Contains(got, name) || !slices.Contains(got, other) {
					t.Errorf("--filter %s: %v", c.filter, got)
				}
			default:
				if !slices.Equal(got, c.want) {
					t.Errorf("--filter %s: %v, want %v", c.filter, got, c.want)
				}
			}
		}
		if got := volumeNames(t, d, "--filter", "dangling=false"); slices.Contains(got, name) {
			t.Errorf("dangling=false lists an unused volume: %v", got)
		}
		r := d.DockerFail("volume", "ls", "--filter", "foo=bar")
		if !strings.Contains(strings.ToLower(r.Stderr), "invalid filter 'foo'") {
			t.Errorf("unknown filter: %s", r)
		}
		r = d.DockerFail("volume", "ls", "--filter", "dangling=maybe")
		if !strings.Contains(strings.ToLower(r.Stderr), "invalid filter 'dangling=[maybe]'") {
			t.Errorf("bad dangling value: %s", r)
		}
		out := d.MustDocker("volume", "ls", "--format", "{{.Driver}} {{.Name}}", "--filter", "name="+name)
		if strings.TrimSpace(out) != "local "+name {
			t.Errorf("ls --format: %q", out)
		}
	})

	t.Run("BadNames", func(t *testing.T) {
		before := volumeDirs(t, d)
		for _, c := range []struct{ name, msg string }{
			{"a/b", `create a/b: "a/b" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`},
			{"..", `create ..: ".." includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`},
			{"a", "create a: volume name is too short, names should be at least two alphanumeric characters"},
		} {
			body, _ := json.Marshal(map[string]string{"Name": c.name})
			status, _, resp := d.Request("POST", "/volumes/create", jsonHeader(), body)
			if status != 400 || !strings.Contains(string(resp), jsonEscape(c.msg)) {
				t.Errorf("create %q: %d %s; want 400 %q", c.name, status, resp, c.msg)
			}
		}
		if after := volumeDirs(t, d); !slices.Equal(before, after) {
			t.Errorf("a refused create left files: %v -> %v", before, after)
		}
	})

	t.Run("BadOptions", func(t *testing.T) {
		for _, c := range []struct {
			args []string
			msg  string
		}{
			{[]string{"-o", "foo=bar"}, `invalid option: "foo"`},
			{[]string{"-o", "type=tmpfs"}, `missing required option: "device"`},
			{[]string{"-o", "size=10m"}, "quota size requested but no quota support"},
		} {
			n := uniqueName(t, "opt")
			r := d.DockerFail(append(append([]string{"volume", "create"}, c.args...), n)...)
			if !strings.Contains(r.Stderr, "create "+n+": "+c.msg) {
				t.Errorf("create %v: %s; want %q", c.args, r, c.msg)
			}
			if slices.Contains(volumeNames(t, d), n) {
				t.Errorf("refused volume %s exists", n)
			}
		}
	})

	t.Run("UnknownDriver", func(t *testing.T) {
		harness.SkiffOnly(t) // dockerd retries the lookup for 15 s first
		r := d.DockerFail("volume", "create", "-d", "nosuchdriver", "nd-vol")
		if !strings.Contains(r.Stderr, `create nd-vol: error looking up volume plugin nosuchdriver: plugin "nosuchdriver" not found`) {
			t.Errorf("unknown driver: %s", r)
		}
	})

	t.Run("RemoveMissing", func(t *testing.T) {
		r := d.DockerFail("volume", "rm", "nosuch-vol")
		if !strings.Contains(r.Stderr, "get nosuch-vol: no such volume") {
			t.Errorf("rm of a missing volume: %s", r)
		}
		d.MustDocker("volume", "rm", "-f", "nosuch-vol")
		status, _, body := d.Request("GET", "/volumes/nosuch-vol", nil, nil)
		if status != 404 || !strings.Contains(string(body), "get nosuch-vol: no such volume") {
			t.Errorf("inspect missing: %d %s", status, body)
		}
	})

	t.Run("Remove", func(t *testing.T) {
		n := uniqueName(t, "gone")
		d.MustDocker("volume", "create", n)
		if out := strings.TrimSpace(d.MustDocker("volume", "rm", n)); out != n {
			t.Errorf("rm printed %q", out)
		}
		if slices.Contains(volumeNames(t, d), n) || slices.Contains(volumeDirs(t, d), n) {
			t.Errorf("volume %s still there", n)
		}
	})

	t.Run("Prune", func(t *testing.T) {
		harness.SkiffOnly(t) // dockerd 20.10 (API 1.41) predates anonymous-only prune and its label
		named := uniqueName(t, "named")
		keep := uniqueName(t, "keep")
		d.MustDocker("volume", "create", named)
		d.MustDocker("volume", "create", "--label", "keep=yes", keep)
		removeVolumesAtEnd(t, d, named, keep)
		anon := strings.TrimSpace(d.MustDocker("volume", "create"))
		if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(anon) {
			t.Fatalf("anonymous volume name %q", anon)
		}
		if l := d.MustDocker("volume", "inspect", "-f", "{{json .Labels}}", anon); strings.TrimSpace(l) != `{"com.docker.volume.anonymous":""}` {
			t.Errorf("anonymous volume labels %s", l)
		}
		out := d.MustDocker("volume", "prune", "-f")
		if !strings.Contains(out, anon) || strings.Contains(out, named) {
			t.Errorf("prune (anonymous only): %s", out)
		}
		out = d.MustDocker("volume", "prune", "-f", "-a", "--filter", "label!=keep=yes")
		if !strings.Contains(out, named) || strings.Contains(out, keep) {
			t.Errorf("prune -a label!=keep=yes: %s", out)
		}
		got := volumeNames(t, d)
		if slices.Contains(got, named) || !slices.Contains(got, keep) || slices.Contains(got, anon) {
			t.Errorf("after prune: %v", got)
		}
		if !strings.Contains(out, "Total reclaimed space:") {
			t.Errorf("prune output: %s", out)
		}
	})

	t.Run("ClusterVolumeUpdate", func(t *testing.T) {
		harness.SkiffOnly(t) // dockerd 20.10 predates API 1.42
		status, _, body := d.Request("PUT", "/v1.43/volumes/"+name+"?version=1", jsonHeader(), []byte(`{}`))
		if status != 503 || !strings.Contains(string(body), "volume update only valid for cluster volumes, but swarm is unavailable") {
			t.Errorf("PUT /volumes: %d %s", status, body)
		}
	})
}

// jsonEscape is s as it appears inside a JSON string.
func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return strings.Trim(string(b), `"`)
}

// TestVolumeUnshareAndRemoveSubordinateFiles: `skiff unshare` enters the
// daemon's user namespace, where uid 1000 is a subordinate id of the
// user; `volume rm` then removes files of that uid, however closed.
func TestVolumeUnshareAndRemoveSubordinateFiles(t *testing.T) {
	harness.SkiffOnly(t)
	d := harness.StartDaemon(t)
	name := uniqueName(t, "owned")
	d.MustDocker("volume", "create", name)
	removeVolumesAtEnd(t, d, name)
	mp := strings.TrimSpace(d.MustDocker("volume", "inspect", "-f", "{{.Mountpoint}}", name))

	unshare := func(script string) string {
		t.Helper()
		cmd := d.Env.Command(harness.Binary(t), "unshare", "sh", "-c", script)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("skiff unshare sh -c %q: %v\n%s%s", script, err, out, stderr.String())
		}
		return string(out)
	}
	out := unshare(`cd "` + mp + `" && id -u && echo hi > f && mkdir -p d/e && echo x > d/e/x && chown -R 1000:1000 f d && chmod 0700 d && chmod 0 d/e && ls -n f`)
	if l := lines(out); len(l) != 2 || l[0] != "0" || !strings.Contains(l[1], " 1000 1000 ") {
		t.Fatalf("inside the namespace: %q", out)
	}
	// Seen from the host, uid 1000 is the user's subordinate id 999.
	fi, err := os.Lstat(filepath.Join(mp, "f"))
	if err != nil {
		t.Fatal(err)
	}
	if uid := fi.Sys().(*syscall.Stat_t).Uid; d.Env.User.SubUID.Count > 0 && uid != uint32(d.Env.User.SubUID.Start+999) {
		t.Errorf("host owner of f: %d, want %d", uid, d.Env.User.SubUID.Start+999)
	}
	unshare(`chown 0:0 "` + mp + `/f" && rm "` + mp + `/f"`)
	if _, err := os.Stat(filepath.Join(mp, "f")); !os.IsNotExist(err) {
		t.Errorf("f after unshare rm: %v", err)
	}
	if out := d.MustDocker("volume", "rm", name); strings.TrimSpace(out) != name {
		t.Errorf("volume rm: %q", out)
	}
	if _, err := os.Stat(filepath.Dir(mp)); !os.IsNotExist(err) {
		t.Errorf("volume directory after rm: %v", err)
	}
	if slices.Contains(volumeDirs(t, d), name) {
		t.Errorf("volume dir left")
	}
}
