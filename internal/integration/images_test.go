package integration

import (
	"archive/tar"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// uniqueName is a lower-case repository path component unique to this run,
// so that images left on a shared docker target never collide.
func uniqueName(t *testing.T, prefix string) string {
	t.Helper()
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return prefix + "-" + hex.EncodeToString(b)
}

// removeImagesAtEnd force-removes refs (names or IDs) when the test ends,
// whether or not they exist then.
func removeImagesAtEnd(t *testing.T, d *harness.Daemon, refs ...string) {
	t.Helper()
	t.Cleanup(func() {
		for _, r := range refs {
			d.For(t).Docker("rmi", "-f", r)
		}
	})
}

// imageIDOf is `docker image inspect`'s ID of ref.
func imageIDOf(t *testing.T, d *harness.Daemon, ref string) string {
	t.Helper()
	return strings.TrimSpace(d.MustDocker("image", "inspect", "--format", "{{.ID}}", ref))
}

// allImageIDs is the set of full IDs `docker images -a` lists.
func allImageIDs(t *testing.T, d *harness.Daemon) map[string]bool {
	t.Helper()
	ids := map[string]bool{}
	for _, id := range strings.Fields(d.MustDocker("images", "-aq", "--no-trunc")) {
		ids[id] = true
	}
	return ids
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// TestImagePushPullRoundTrip: a multi-layer image pulled from a registry
// has the registry's config digest as ID and repo@manifest-digest in
// RepoDigests; tagged into another repository, pushed, removed everywhere
// and pulled back, it keeps its ID.
func TestImagePushPullRoundTrip(t *testing.T) {
	d := harness.StartDaemon(t)
	reg := harness.StartRegistry(t)
	im := harness.PushTestImage(t, reg, "roundtrip/app:v1", 3)
	if got := reg.ConfigDigest(t, "roundtrip/app", "v1"); got != im.ID() {
		t.Fatalf("registry config digest %s, pushed %s", got, im.ID())
	}
	src, dst := reg.Ref("roundtrip/app:v1"), reg.Ref("roundtrip/copy:v2")
	removeImagesAtEnd(t, d, src, dst, im.ID())

	out := d.MustDocker("pull", src)
	if !strings.Contains(out, "Digest: "+im.Manifest.Digest) {
		t.Errorf("docker pull output does not print Digest: %s:\n%s", im.Manifest.Digest, out)
	}
	var insp []struct {
		ID          string `json:"Id"`
		RepoTags    []string
		RepoDigests []string
		RootFS      struct{ Layers []string }
		Config      struct{ Cmd []string }
	}
	mustJSON(t, d.MustDocker("image", "inspect", src), &insp)
	if len(insp) != 1 {
		t.Fatalf("docker image inspect: %d images", len(insp))
	}
	wantDigest := reg.HostForDaemon() + "/roundtrip/app@" + reg.ManifestDigest(t, "roundtrip/app", "v1")
	if insp[0].ID != im.ID() {
		t.Errorf("image ID %s, want the registry's config digest %s", insp[0].ID, im.ID())
	}
	if !slices.Contains(insp[0].RepoDigests, wantDigest) {
		t.Errorf("RepoDigests %q, want %s", insp[0].RepoDigests, wantDigest)
	}
	if !slices.Contains(insp[0].RepoTags, src) {
		t.Errorf("RepoTags %q, want %s", insp[0].RepoTags, src)
	}
	if len(insp[0].RootFS.Layers) != 3 || insp[0].RootFS.Layers[0] != im.Layers[0].DiffID {
		t.Errorf("RootFS.Layers %q, want the 3 diff IDs starting %s", insp[0].RootFS.Layers, im.Layers[0].DiffID)
	}
	if !slices.Equal(insp[0].Config.Cmd, []string{"sh"}) {
		t.Errorf("Config.Cmd %q, want [sh]", insp[0].Config.Cmd)
	}

	d.MustDocker("tag", src, dst)
	out = d.MustDocker("push", dst)
	if !strings.Contains(out, "v2: digest: sha256:") {
		t.Errorf("docker push output has no `v2: digest:` line:\n%s", out)
	}
	if got := reg.ConfigDigest(t, "roundtrip/copy", "v2"); got != im.ID() {
		t.Errorf("pushed copy's config digest in the registry %s, want %s", got, im.ID())
	}
	d.MustDocker("rmi", src, dst)
	if r := d.Docker("image", "inspect", im.ID()); r.ExitCode == 0 {
		t.Fatalf("image %s still present after docker rmi of both tags", im.ID())
	}
	d.MustDocker("pull", dst)
	if got := imageIDOf(t, d, dst); got != im.ID() {
		t.Errorf("pulled back copy has ID %s, want %s", got, im.ID())
	}
}

// TestImageRegistryLogin: against a registry with htpasswd auth, docker
// login stores credentials that push and pull then use; a wrong password
// fails with "unauthorized".
func TestImageRegistryLogin(t *testing.T) {
	d := harness.StartDaemon(t)
	reg := harness.StartRegistry(t, harness.WithHTPasswd("alice", "s3cret-pass"))
	im := harness.PushTestImage(t, reg, "private/app:v1", 2)
	src, dst := reg.Ref("private/app:v1"), reg.Ref("private/pushed:v1")
	removeImagesAtEnd(t, d, src, dst, im.ID())
	host := reg.HostForDaemon()

	r := d.DockerFail("pull", src)
	if !strings.Contains(r.Stderr, "no basic auth credentials") {
		t.Errorf("pull without login: want Docker's \"no basic auth credentials\":\n%s", r)
	}

	r = d.DockerFail("login", "-u", "alice", "-p", "wrong-pass", host)
	// Docker 20.10: "login attempt to http://…/v2/ failed with status: 401 Unauthorized".
	if !strings.Contains(strings.ToLower(r.Stderr), "unauthorized") {
		t.Errorf("login with a wrong password: stderr does not say \"unauthorized\":\n%s", r)
	}

	r = d.DockerInput("s3cret-pass\n", "login", "-u", "alice", "--password-stdin", host)
	if r.ExitCode != 0 || !strings.Contains(r.Stdout, "Login Succeeded") {
		t.Fatalf("docker login: want exit 0 and \"Login Succeeded\": %s", r)
	}
	d.MustDocker("pull", src)
	if got := imageIDOf(t, d, src); got != im.ID() {
		t.Errorf("pulled ID %s, want %s", got, im.ID())
	}
	d.MustDocker("tag", src, dst)
	d.MustDocker("push", dst)
	if got := reg.ConfigDigest(t, "private/pushed", "v1"); got != im.ID() {
		t.Errorf("pushed config digest %s, want %s", got, im.ID())
	}

	out := d.MustDocker("logout", host)
	if !strings.Contains(out, "Removing login credentials for "+host) {
		t.Errorf("docker logout output:\n%s", out)
	}
	d.DockerFail("pull", src)
}

// TestImageList: docker images (columns, -q, filters), docker history, and
// docker rmi's untag-versus-delete semantics.
func TestImageList(t *testing.T) {
	d := harness.StartDaemon(t)
	reg := harness.StartRegistry(t)
	im := harness.PushTestImage(t, reg, "list/app:v1", 3)
	ref, ref2 := reg.Ref("list/app:v1"), reg.Ref("list/app:v2")
	repo := reg.HostForDaemon() + "/list/app"
	removeImagesAtEnd(t, d, ref, ref2, im.ID())
	d.MustDocker("pull", ref)
	d.MustDocker("tag", ref, ref2)

	t.Run("Table", func(t *testing.T) {
		d := d.For(t)
		ls := lines(d.MustDocker("images"))
		if len(ls) == 0 || !regexp.MustCompile(`^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$`).MatchString(ls[0]) {
			t.Fatalf("docker images header: %q", ls)
		}
		row := regexp.MustCompile(`^` + regexp.QuoteMeta(repo) + `\s+v1\s+` + harness.ShortID(im.ID()) + `\s+\S.*ago\s+[0-9.]+[kM]?B$`)
		if !slices.ContainsFunc(ls, row.MatchString) {
			t.Errorf("docker images has no row matching %s:\n%s", row, strings.Join(ls, "\n"))
		}
	})

	t.Run("Quiet", func(t *testing.T) {
		d := d.For(t)
		ids := strings.Fields(d.MustDocker("images", "-q", repo))
		// One image under two tags: -q prints it once per tag, as the table does.
		if short := harness.ShortID(im.ID()); !slices.Equal(ids, []string{short, short}) {
			t.Errorf("docker images -q %s = %q, want [%s %s]", repo, ids, short, short)
		}
	})

	t.Run("FilterReference", func(t *testing.T) {
		d := d.For(t)
		out := d.MustDocker("images", "--filter", "reference="+repo+":v2", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}")
		if want := ref2 + " " + harness.ShortID(im.ID()); strings.TrimSpace(out) != want {
			t.Errorf("--filter reference=%s:v2: %q, want %q", repo, out, want)
		}
		out = d.MustDocker("images", "--filter", "reference="+reg.HostForDaemon()+"/list/nosuch", "-q")
		if strings.TrimSpace(out) != "" {
			t.Errorf("--filter reference of an unknown repo listed %q", out)
		}
	})

	t.Run("FilterDangling", func(t *testing.T) {
		d := d.For(t)
		// An archive with no RepoTags loads as an untagged image.
		loose := harness.NewTestImage(t, uniqueName(t, "dangling"), 1)
		removeImagesAtEnd(t, d, loose.ID())
		r := d.DockerInput(string(loose.DockerArchive(t)), "load")
		if r.ExitCode != 0 || !strings.Contains(r.Stdout, "Loaded image ID: "+loose.ID()) {
			t.Fatalf("docker load of an untagged archive: want \"Loaded image ID: %s\": %s", loose.ID(), r)
		}
		ids := strings.Fields(d.MustDocker("images", "--filter", "dangling=true", "-q", "--no-trunc"))
		if !slices.Contains(ids, loose.ID()) || slices.Contains(ids, im.ID()) {
			t.Errorf("dangling=true lists %q: want %s and not the tagged %s", ids, loose.ID(), im.ID())
		}
		ids = strings.Fields(d.MustDocker("images", "--filter", "dangling=false", "-q", "--no-trunc"))
		if slices.Contains(ids, loose.ID()) || !slices.Contains(ids, im.ID()) {
			t.Errorf("dangling=false lists %q: want %s and not %s", ids, im.ID(), loose.ID())
		}
	})

	t.Run("History", func(t *testing.T) {
		d := d.For(t)
		ls := lines(d.MustDocker("history", "--no-trunc", "--format", "{{.ID}}\t{{.CreatedBy}}\t{{.Size}}", ref))
		// Three layers and the empty CMD entry, newest first.
		if len(ls) != 4 {
			t.Fatalf("docker history: %d rows, want 4:\n%s", len(ls), strings.Join(ls, "\n"))
		}
		if !strings.HasPrefix(ls[0], im.ID()+"\t") || !strings.Contains(ls[0], `CMD ["sh"]`) {
			t.Errorf("history row 1 %q: want the image ID and the CMD entry", ls[0])
		}
		if !strings.Contains(ls[3], "ADD busybox rootfs") || !strings.HasPrefix(ls[3], "<missing>") {
			t.Errorf("history row 4 %q: want <missing> and the busybox layer", ls[3])
		}
		if !strings.Contains(ls[1], "layer3") || !strings.Contains(ls[2], "layer2") {
			t.Errorf("history rows 2-3 not the file layers, newest first:\n%s", strings.Join(ls, "\n"))
		}
		out := d.MustDocker("history", ref)
		if !regexp.MustCompile(`(?m)^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$`).MatchString(out) {
			t.Errorf("docker history header:\n%s", out)
		}
	})

	t.Run("RmiUntagThenDelete", func(t *testing.T) {
		d := d.For(t)
		r := d.DockerFail("rmi", im.ID())
		if !strings.Contains(r.Stderr, "image is referenced in multiple repositories") {
			t.Errorf("rmi by ID of an image with two tags: want Docker's conflict: %s", r)
		}
		out := d.MustDocker("rmi", ref2)
		if strings.TrimSpace(out) != "Untagged: "+ref2 {
			t.Errorf("rmi of one of two tags: %q, want only \"Untagged: %s\"", out, ref2)
		}
		if got := imageIDOf(t, d, ref); got != im.ID() {
			t.Fatalf("image gone after untagging its other name: %s", got)
		}
		out = d.MustDocker("rmi", ref)
		for _, want := range []string{"Untagged: " + ref, "Untagged: " + repo + "@" + im.Manifest.Digest, "Deleted: " + im.ID()} {
			if !strings.Contains(out, want+"\n") {
				t.Errorf("rmi of the last tag: no line %q:\n%s", want, out)
			}
		}
		if n := strings.Count(out, "Deleted: "); n != 4 {
			t.Errorf("rmi of the last tag: %d Deleted: lines, want 4 (image and three layers):\n%s", n, out)
		}
		if r := d.Docker("image", "inspect", im.ID()); r.ExitCode == 0 {
			t.Errorf("image still inspectable after rmi")
		}
	})
}

// TestImageSaveLoad: docker save then load restores the same image ID and
// tag; a docker-archive written by skopeo loads with the config digest as ID.
func TestImageSaveLoad(t *testing.T) {
	d := harness.StartDaemon(t)
	reg := harness.StartRegistry(t)
	im := harness.PushTestImage(t, reg, "save/app:v1", 2)
	ref := reg.Ref("save/app:v1")
	removeImagesAtEnd(t, d, ref, im.ID())

	t.Run("SaveRmiLoad", func(t *testing.T) {
		d := d.For(t)
		d.MustDocker("pull", ref)
		file := filepath.Join(t.TempDir(), "saved.tar")
		d.MustDocker("save", "-o", file, ref)
		if st, err := os.Stat(file); err != nil || st.Size() < 100<<10 {
			t.Fatalf("docker save -o wrote %v (%v)", st, err)
		}
		d.MustDocker("rmi", ref)
		out := d.MustDocker("load", "-i", file)
		if !strings.Contains(out, "Loaded image: "+ref) {
			t.Errorf("docker load output %q, want \"Loaded image: %s\"", out, ref)
		}
		if got := imageIDOf(t, d, ref); got != im.ID() {
			t.Errorf("loaded ID %s, want %s", got, im.ID())
		}
	})

	t.Run("SkopeoDockerArchive", func(t *testing.T) {
		d := d.For(t)
		skopeo, err := exec.LookPath("skopeo")
		if err != nil {
			t.Fatal("skopeo not found: apt-get install skopeo")
		}
		name := uniqueName(t, "skopeo") + "/app:v1"
		removeImagesAtEnd(t, d, name)
		file := filepath.Join(t.TempDir(), "skopeo.tar")
		cmd := exec.Command(skopeo, "copy", "--src-tls-verify=false", "docker://"+reg.Addr()+"/save/app:v1", "docker-archive:"+file+":"+name)
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", cmd, err, b)
		}
		out := d.MustDocker("load", "-i", file)
		if !strings.Contains(out, "Loaded image: "+name) {
			t.Errorf("docker load of skopeo's archive: %q, want \"Loaded image: %s\"", out, name)
		}
		if got := imageIDOf(t, d, name); got != reg.ConfigDigest(t, "save/app", "v1") {
			t.Errorf("ID of skopeo's archive %s, want the config digest %s", got, im.ID())
		}
	})
}

// TestImageLoadBadInput: docker load and POST /images/load of malformed or
// hostile archives. Real (rootless) Docker rejects what it cannot read and
// confines paths that escape (it extracts in a chroot), so it loads those;
// skiff rejects escapes outright. Nothing is ever written outside.
func TestImageLoadBadInput(t *testing.T) {
	d := harness.StartDaemon(t)
	canary := filepath.Join(os.TempDir(), uniqueName(t, "skiff-escape"))
	t.Cleanup(func() { _ = os.RemoveAll(canary) })
	repo := uniqueName(t, "badload")

	// archive builds a two-layer image (busybox + layer) tagged repo/name:x,
	// lets edit change its members, and returns the tar.
	archive := func(t *testing.T, name string, layer []byte, edit func(im *harness.TestImage, es []harness.TarEntry) []harness.TarEntry) []byte {
		im := harness.ImageFromTars(t, repo+name, false, harness.BusyboxLayer(t), layer)
		es := im.ArchiveEntries(t, repo+"/"+strings.ToLower(name)+":x")
		if edit != nil {
			es = edit(im, es)
		}
		return harness.Tar(t, es...)
	}
	// A layer no other case shares, so the daemon cannot skip reading it.
	uniqLayer := func(name string, es ...harness.TarEntry) []byte {
		return harness.Tar(t, append([]harness.TarEntry{harness.FileEntry("uniq-"+name, repo+name)}, es...)...)
	}
	layerPath := func(im *harness.TestImage, i int) string {
		return strings.TrimPrefix(im.Layers[i].DiffID, "sha256:") + "/layer.tar"
	}

	tests := []struct {
		name  string
		build func(t *testing.T, name string) []byte
		// dockerLoads and skiffLoads: whether the target accepts the archive.
		dockerLoads, skiffLoads bool
		// err is in the error of a target that rejects it.
		err string
	}{
		{name: "NotATar", dockerLoads: false, skiffLoads: false, err: "", build: func(t *testing.T, name string) []byte {
			return []byte("this is not a tar archive, not even close")
		}},
		{name: "TruncatedGzipLayer", err: "unexpected EOF", build: func(t *testing.T, name string) []byte {
			return archive(t, name, uniqLayer(name, harness.FileEntry("big", strings.Repeat("some layer data\n", 4096))), func(im *harness.TestImage, es []harness.TarEntry) []harness.TarEntry {
				for i := range es {
					if es[i].Hdr.Name == layerPath(im, 1) {
						es[i].Body = im.Layers[1].Data[:len(im.Layers[1].Data)/2]
					}
				}
				return es
			})
		}},
		{name: "LayerFileMissing", err: "layer.tar", build: func(t *testing.T, name string) []byte {
			return archive(t, name, uniqLayer(name), func(im *harness.TestImage, es []harness.TarEntry) []harness.TarEntry {
				return slices.DeleteFunc(es, func(e harness.TarEntry) bool { return e.Hdr.Name == layerPath(im, 1) })
			})
		}},
		{name: "ManifestNamesExtraLayer", err: "layers length mismatch", build: func(t *testing.T, name string) []byte {
			return archive(t, name, uniqLayer(name), func(im *harness.TestImage, es []harness.TarEntry) []harness.TarEntry {
				for i := range es {
					if es[i].Hdr.Name == "manifest.json" {
						es[i].Body = []byte(strings.Replace(string(es[i].Body), `/layer.tar"]`, `/layer.tar","nothere/layer.tar"]`, 1))
					}
				}
				return es
			})
		}},
		{name: "OuterDotDot", dockerLoads: true, build: func(t *testing.T, name string) []byte {
			return archive(t, name, uniqLayer(name), func(im *harness.TestImage, es []harness.TarEntry) []harness.TarEntry {
				return append(es, harness.FileEntry("../../../../../../.."+canary+"-outer", "x"))
			})
		}},
		{name: "LayerDotDot", dockerLoads: true, build: func(t *testing.T, name string) []byte {
			return archive(t, name, uniqLayer(name, harness.FileEntry("../../../../../../.."+canary+"-layer", "x")), nil)
		}},
		{name: "LayerAbsolutePath", dockerLoads: true, skiffLoads: true, build: func(t *testing.T, name string) []byte {
			return archive(t, name, uniqLayer(name, harness.FileEntry(canary+"-abs", "x")), nil)
		}},
		{name: "SymlinkEscapeWrittenThrough", dockerLoads: true, build: func(t *testing.T, name string) []byte {
			return archive(t, name, uniqLayer(name,
				harness.SymlinkEntry("esc", "../../../../../../.."+filepath.Dir(canary)),
				harness.FileEntry("esc/"+filepath.Base(canary)+"-symlink", "x")), nil)
		}},
		{name: "HardlinkEscape", dockerLoads: true, build: func(t *testing.T, name string) []byte {
			return archive(t, name, uniqLayer(name, harness.TarEntry{Hdr: tarLink("hl", "../../../../../../../etc/passwd")}), nil)
		}},
		// Rootless Docker skips device nodes it cannot create; real images
		// carry them (/dev/console in old bases), so skiff loads them too.
		{name: "DeviceNode", dockerLoads: true, skiffLoads: true, build: func(t *testing.T, name string) []byte {
			return archive(t, name, uniqLayer(name, harness.DirEntry("dev"), harness.TarEntry{Hdr: tarCharDev("dev/null2", 1, 3)}), nil)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := d.For(t)
			want := tc.skiffLoads
			if harness.TargetIsDocker() {
				want = tc.dockerLoads
			}
			tagged := repo + "/" + strings.ToLower(tc.name) + ":x"
			removeImagesAtEnd(t, d, tagged)
			b := tc.build(t, tc.name)

			for _, via := range []string{"cli", "api"} {
				before := allImageIDs(t, d)
				var loaded bool
				var msg string
				if via == "cli" {
					r := d.DockerInput(string(b), "load")
					loaded, msg = r.ExitCode == 0, r.Stderr
					if loaded && !strings.Contains(r.Stdout, "Loaded image: "+tagged) {
						t.Errorf("docker load exited 0 without \"Loaded image: %s\": %s", tagged, r)
					}
				} else {
					status, _, body := d.Request("POST", "/images/load?quiet=1", nil, b)
					// Docker answers 200 and puts a failure in the JSON stream.
					loaded = status == 200 && !strings.Contains(string(body), `"error"`)
					msg = string(body)
					if !loaded && status == 200 && !strings.Contains(string(body), `"errorDetail"`) {
						t.Errorf("POST /images/load: 200 with an error but no errorDetail: %q", body)
					}
					if status != 200 && !strings.Contains(string(body), `"message"`) {
						t.Errorf("POST /images/load: status %d without a JSON message: %q", status, body)
					}
				}
				if loaded != want {
					t.Errorf("%s: loaded=%v, want %v; error: %s", via, loaded, want, msg)
				}
				if !loaded {
					if tc.err != "" && harness.TargetIsDocker() && !strings.Contains(msg, tc.err) {
						t.Errorf("%s: error %q does not contain %q", via, msg, tc.err)
					}
					if strings.TrimSpace(msg) == "" {
						t.Errorf("%s: rejected without an error message", via)
					}
					after := allImageIDs(t, d)
					for id := range after {
						if !before[id] {
							t.Errorf("%s: rejected load left image %s behind", via, id)
						}
					}
				}
				d.Docker("rmi", "-f", tagged)
			}
			for _, suffix := range []string{"", "-outer", "-layer", "-abs", "-symlink"} {
				if _, err := os.Lstat(canary + suffix); err == nil {
					t.Errorf("load wrote %s outside its storage", canary+suffix)
				}
			}
		})
	}
}

// TestImagePullErrors: pulls that cannot succeed fail with Docker's messages.
func TestImagePullErrors(t *testing.T) {
	d := harness.StartDaemon(t)
	reg := harness.StartRegistry(t)
	harness.PushTestImage(t, reg, "exists/app:v1", 1)

	tests := []struct {
		name string
		ref  string
		want string
	}{
		{"UnknownRepository", reg.Ref("nosuch/app:latest"), "manifest for " + reg.Ref("nosuch/app:latest") + " not found: manifest unknown"},
		{"UnknownTag", reg.Ref("exists/app:nosuchtag"), "manifest for " + reg.Ref("exists/app:nosuchtag") + " not found: manifest unknown"},
		{"RegistryDown", harness.FreeAddr(t) + "/app:latest", "connection refused"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := d.For(t)
			r := d.DockerFail("pull", tc.ref)
			if !strings.HasPrefix(r.Stderr, "Error response from daemon: ") || !strings.Contains(r.Stderr, tc.want) {
				t.Errorf("want \"Error response from daemon: ...%s...\": %s", tc.want, r)
			}
			if r := d.Docker("image", "inspect", tc.ref); r.ExitCode == 0 {
				t.Errorf("failed pull left %s behind", tc.ref)
			}
		})
	}
}

// TestImageDockerPy: pull, list, tag, get and remove through docker-py.
func TestImageDockerPy(t *testing.T) {
	d := harness.StartDaemon(t)
	reg := harness.StartRegistry(t)
	im := harness.PushTestImage(t, reg, "py/app:v1", 2)
	repo, repo2 := reg.Ref("py/app"), reg.Ref("py/renamed")
	removeImagesAtEnd(t, d, repo+":v1", repo2+":py", im.ID())

	script := fmt.Sprintf(`
repo, repo2, missing = %q, %q, %q
out = {}
img = client.images.pull(repo, tag="v1")
out["id"], out["tags"], out["digests"] = img.id, img.tags, img.attrs["RepoDigests"]
out["listed"] = img.id in [i.id for i in client.images.list()]
out["listed_by_name"] = [i.id for i in client.images.list(name=repo)]
out["tag_ok"] = img.tag(repo2, tag="py")
out["renamed_id"] = client.images.get(repo2 + ":py").id
client.images.remove(repo2 + ":py")
out["after_untag"] = client.images.get(img.id).tags
client.images.remove(repo + ":v1")
try:
    client.images.get(img.id)
    out["gone"] = False
except docker.errors.ImageNotFound:
    out["gone"] = True
try:
    client.images.pull(missing, tag="latest")
    out["missing_err"] = None
except docker.errors.APIError as e:
    out["missing_err"] = [type(e).__name__, e.status_code]
print(json.dumps(out))
`, repo, repo2, reg.Ref("py/nosuch"))
	var out struct {
		ID           string   `json:"id"`
		Tags         []string `json:"tags"`
		Digests      []string `json:"digests"`
		Listed       bool     `json:"listed"`
		ListedByName []string `json:"listed_by_name"`
		TagOK        bool     `json:"tag_ok"`
		RenamedID    string   `json:"renamed_id"`
		AfterUntag   []string `json:"after_untag"`
		Gone         bool     `json:"gone"`
		MissingErr   []any    `json:"missing_err"`
	}
	mustJSON(t, d.MustPython(script), &out)
	if out.ID != im.ID() {
		t.Errorf("pulled id %s, want %s", out.ID, im.ID())
	}
	if !slices.Equal(out.Tags, []string{repo + ":v1"}) {
		t.Errorf("tags %q", out.Tags)
	}
	if !slices.Contains(out.Digests, repo+"@"+im.Manifest.Digest) {
		t.Errorf("RepoDigests %q, want %s@%s", out.Digests, repo, im.Manifest.Digest)
	}
	if !out.Listed || !slices.Equal(out.ListedByName, []string{im.ID()}) {
		t.Errorf("images.list: listed=%v, list(name=repo)=%q", out.Listed, out.ListedByName)
	}
	if !out.TagOK || out.RenamedID != im.ID() {
		t.Errorf("image.tag: ok=%v, the new tag's id %s", out.TagOK, out.RenamedID)
	}
	if !slices.Equal(out.AfterUntag, []string{repo + ":v1"}) {
		t.Errorf("tags after removing the second tag: %q", out.AfterUntag)
	}
	if !out.Gone {
		t.Errorf("image still found after removing its last tag")
	}
	if len(out.MissingErr) != 2 || out.MissingErr[0] != "NotFound" || out.MissingErr[1] != float64(404) {
		t.Errorf("pull of a missing repository raised %v, want NotFound (404)", out.MissingErr)
	}
}

// tarLink is a hard link header name -> target.
func tarLink(name, target string) tar.Header {
	return tar.Header{Typeflag: tar.TypeLink, Name: name, Linkname: target, Mode: 0o644, ModTime: harness.TestImageCreated}
}

// tarCharDev is a character device header.
func tarCharDev(name string, major, minor int64) tar.Header {
	return tar.Header{Typeflag: tar.TypeChar, Name: name, Mode: 0o666, Devmajor: major, Devminor: minor, ModTime: harness.TestImageCreated}
}

// TestImagePrune: `docker image prune -f` removes dangling images only and
// reports them; tagged images stay.
func TestImagePrune(t *testing.T) {
	d := harness.StartDaemon(t)
	reg := harness.StartRegistry(t)
	repo := uniqueName(t, "prune")
	im := harness.PushTestImage(t, reg, repo+":v1", 2)
	ref := reg.Ref(repo + ":v1")
	removeImagesAtEnd(t, d, im.ID())
	d.MustDocker("pull", ref)

	loose := harness.NewTestImage(t, uniqueName(t, "prune-dangling"), 1)
	removeImagesAtEnd(t, d, loose.ID())
	if r := d.DockerInput(string(loose.DockerArchive(t)), "load"); r.ExitCode != 0 {
		t.Fatalf("docker load: %s", r)
	}
	out := d.MustDocker("image", "prune", "-f")
	if !strings.Contains(out, "deleted: "+loose.ID()) || !strings.Contains(out, "Total reclaimed space:") {
		t.Errorf("docker image prune -f: want the dangling %s deleted and a total:\n%s", loose.ID(), out)
	}
	ids := strings.Fields(d.MustDocker("images", "-q", "--no-trunc"))
	if slices.Contains(ids, loose.ID()) || !slices.Contains(ids, im.ID()) {
		t.Errorf("after prune, images %q: want %s kept and %s gone", ids, im.ID(), loose.ID())
	}
}

// TestImageImport: `docker import` turns a rootfs tarball into a one-layer
// image with the --change and --message given.
func TestImageImport(t *testing.T) {
	d := harness.StartDaemon(t)
	name := uniqueName(t, "imported") + ":v1"
	r := d.DockerInput(string(harness.BusyboxLayer(t)), "import", "--change", `CMD ["sh", "-c", "echo hi"]`, "--change", "ENV A=1", "--message", "from the test", "-", name)
	if r.ExitCode != 0 || !strings.HasPrefix(strings.TrimSpace(r.Stdout), "sha256:") {
		t.Fatalf("docker import: want an image ID on stdout: %s", r)
	}
	id := strings.TrimSpace(r.Stdout)
	removeImagesAtEnd(t, d, id)
	got := strings.TrimSpace(d.MustDocker("image", "inspect", "--format", "{{.Id}}|{{json .Config.Cmd}}|{{json .Config.Env}}|{{.Comment}}|{{len .RootFS.Layers}}", name))
	if want := id + `|["sh","-c","echo hi"]|["A=1"]|from the test|1`; got != want {
		t.Errorf("imported image: %s, want %s", got, want)
	}
	// A tarball that escapes its root is refused and leaves nothing
	// (dockerd keeps such entries inside its chroot instead).
	harness.SkiffOnly(t)
	bad := harness.Tar(t, harness.FileEntry("../escape", "x"))
	before := d.MustDocker("images", "-q", "--no-trunc")
	if r := d.DockerInput(string(bad), "import", "-", uniqueName(t, "bad")+":v1"); r.ExitCode == 0 {
		t.Errorf("docker import of a tar with ../ succeeded: %s", r)
	}
	if after := d.MustDocker("images", "-q", "--no-trunc"); after != before {
		t.Errorf("a refused import changed the image list:\nbefore %q\nafter  %q", before, after)
	}
}

// TestSystemDFImages: `docker system df` counts the images and their size.
func TestSystemDFImages(t *testing.T) {
	d := harness.StartDaemon(t)
	reg := harness.StartRegistry(t)
	repo := uniqueName(t, "df")
	im := harness.PushTestImage(t, reg, repo+":v1", 2)
	removeImagesAtEnd(t, d, im.ID())
	d.MustDocker("pull", reg.Ref(repo+":v1"))
	out := d.MustDocker("system", "df", "--format", "{{.Type}} {{.TotalCount}}")
	if !strings.Contains(out, "Images 1") {
		t.Errorf("docker system df: want \"Images 1\":\n%s", out)
	}
	v := d.MustDocker("system", "df", "-v", "--format", "{{range .Images}}{{.ID}}{{end}}")
	if !strings.Contains(v, harness.ShortID(im.ID())) && !strings.Contains(v, im.ID()) {
		t.Errorf("docker system df -v does not list image %s:\n%s", im.ID(), v)
	}
}
