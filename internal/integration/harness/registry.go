package harness

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Manifest media types the registry helpers ask for and push.
const (
	MediaTypeDockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
	MediaTypeDockerConfig   = "application/vnd.docker.container.image.v1+json"
	MediaTypeDockerLayer    = "application/vnd.docker.image.rootfs.diff.tar.gzip"
	MediaTypeOCIManifest    = "application/vnd.oci.image.manifest.v1+json"
	MediaTypeOCIConfig      = "application/vnd.oci.image.config.v1+json"
	MediaTypeOCILayer       = "application/vnd.oci.image.layer.v1.tar+gzip"
)

// Registry is a local registry (Debian's docker-registry, distribution
// 2.x) on 127.0.0.1 with its own storage, stopped when the test ends.
type Registry struct {
	t    testing.TB
	dir  string
	addr string
	user string
	pass string
	cmd  *exec.Cmd
	log  *syncBuffer
	done chan struct{}
}

// RegistryOption configures StartRegistry.
type RegistryOption func(*registryOptions)

type registryOptions struct{ user, pass string }

// WithHTPasswd makes the registry require HTTP basic auth for user/pass
// (auth.htpasswd, bcrypt, as `docker login` expects).
func WithHTPasswd(user, pass string) RegistryOption {
	return func(o *registryOptions) { o.user, o.pass = user, pass }
}

// RegistryHostEnv names the host (no port) the daemon under test must use to
// reach a test registry, when it is not 127.0.0.1: e.g. 10.0.2.2 for a
// rootless dockerd behind slirp4netns with the host loopback allowed.
const RegistryHostEnv = "SKIFF_TEST_REGISTRY_HOST"

// StartRegistry starts docker-registry on a free 127.0.0.1 port and returns
// once GET /v2/ answers. It fails the test, with the registry's log, when it
// does not come up.
func StartRegistry(t testing.TB, opts ...RegistryOption) *Registry {
	t.Helper()
	var o registryOptions
	for _, f := range opts {
		f(&o)
	}
	bin, err := lookPath("docker-registry")
	if err != nil {
		t.Fatal("docker-registry not found: apt-get install docker-registry")
	}
	dir, err := os.MkdirTemp(tempBase(), "skiff-it-registry-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = removeAll(dir) })
	auth := ""
	if o.user != "" {
		htpasswd := filepath.Join(dir, "htpasswd")
		if err := os.WriteFile(htpasswd, []byte(bcryptLine(t, o.user, o.pass)), 0o600); err != nil {
			t.Fatal(err)
		}
		auth = fmt.Sprintf("auth:\n  htpasswd:\n    realm: skiff-test-registry\n    path: %s\n", htpasswd)
	}
	// A port picked then released may be taken by someone else before the
	// registry binds it: retry a few times.
	var last *Registry
	for attempt := 0; attempt < 3; attempt++ {
		addr := FreeAddr(t)
		cfg := filepath.Join(dir, "config.yml")
		content := fmt.Sprintf(`version: 0.1
log:
  level: info
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: %s
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: %s
  headers:
    X-Content-Type-Options: [nosniff]
%s`, filepath.Join(dir, "storage"), addr, auth)
		if err := os.WriteFile(cfg, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		r := &Registry{t: t, dir: dir, addr: addr, user: o.user, pass: o.pass, log: &syncBuffer{}, done: make(chan struct{})}
		r.cmd = exec.Command(bin, "serve", cfg)
		r.cmd.Stdout, r.cmd.Stderr = r.log, r.log
		r.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
		if err := r.cmd.Start(); err != nil {
			t.Fatalf("starting %s: %v", bin, err)
		}
		go func() { _ = r.cmd.Wait(); close(r.done) }()
		t.Cleanup(r.Stop)
		if r.waitReady(15 * time.Second) {
			return r
		}
		r.Stop()
		last = r
		if !strings.Contains(last.Log(), "address already in use") {
			break
		}
	}
	t.Fatalf("docker-registry did not answer GET /v2/ on %s; its log:\n%s", last.addr, last.Log())
	return nil
}

func (r *Registry) waitReady(timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	c := &http.Client{Timeout: 2 * time.Second}
	for time.Now().Before(deadline) {
		select {
		case <-r.done:
			return false
		default:
		}
		resp, err := c.Get("http://" + r.addr + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusUnauthorized {
				return true
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// Stop stops the registry (idempotent); later requests to it are refused.
func (r *Registry) Stop() {
	select {
	case <-r.done:
		return
	default:
	}
	_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-r.done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
		<-r.done
	}
}

// Log is what the registry printed (access log included).
func (r *Registry) Log() string { return r.log.String() }

// Addr is where the test process reaches the registry: "127.0.0.1:port".
func (r *Registry) Addr() string { return r.addr }

// HostForDaemon is the registry's address as the daemon under test must
// name it in image references: 127.0.0.1:port, or $SKIFF_TEST_REGISTRY_HOST:port.
func (r *Registry) HostForDaemon() string {
	_, port, _ := net.SplitHostPort(r.addr)
	host := "127.0.0.1"
	if h := os.Getenv(RegistryHostEnv); h != "" {
		host = h
	}
	return net.JoinHostPort(host, port)
}

// Ref is repoTag ("repo:tag", "repo@sha256:…") on this registry as the
// daemon names it: HostForDaemon() + "/" + repoTag.
func (r *Registry) Ref(repoTag string) string { return r.HostForDaemon() + "/" + repoTag }

// User and Password are the htpasswd credentials ("" without auth).
func (r *Registry) User() string     { return r.user }
func (r *Registry) Password() string { return r.pass }

// FreeAddr returns a 127.0.0.1 address with a port nobody listens on now:
// a "registry that is down".
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// do sends one request to the registry's HTTP API with the registry's credentials.
func (r *Registry) do(method, path string, header http.Header, body io.Reader, size int64) (*http.Response, []byte, error) {
	u := path
	if !strings.HasPrefix(path, "http://") {
		u = "http://" + r.addr + path
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		return nil, nil, err
	}
	if size >= 0 {
		req.ContentLength = size
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if r.user != "" {
		req.SetBasicAuth(r.user, r.pass)
	}
	c := &http.Client{Timeout: 60 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

// Manifest fetches repo:tag's manifest (Docker schema2 or OCI; no index)
// and returns its bytes, media type and digest (Docker-Content-Digest).
func (r *Registry) Manifest(t testing.TB, repo, tag string) ([]byte, string, string) {
	t.Helper()
	h := http.Header{"Accept": {MediaTypeDockerManifest + ", " + MediaTypeOCIManifest}}
	resp, b, err := r.do("GET", "/v2/"+repo+"/manifests/"+tag, h, nil, -1)
	if err != nil {
		t.Fatalf("registry GET manifest %s:%s: %v", repo, tag, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("registry GET manifest %s:%s: %s: %s", repo, tag, resp.Status, b)
	}
	dg := resp.Header.Get("Docker-Content-Digest")
	if dg == "" {
		dg = Digest(b)
	}
	return b, resp.Header.Get("Content-Type"), dg
}

// ManifestDigest is the digest of repo:tag's manifest in the registry, as
// in the daemon's RepoDigests (repo@<digest>).
func (r *Registry) ManifestDigest(t testing.TB, repo, tag string) string {
	t.Helper()
	_, _, dg := r.Manifest(t, repo, tag)
	return dg
}

// ConfigDigest is the digest of repo:tag's image config: the image ID the
// daemon must report.
func (r *Registry) ConfigDigest(t testing.TB, repo, tag string) string {
	t.Helper()
	b, mt, _ := r.Manifest(t, repo, tag)
	var m struct {
		Config struct{ Digest string }
	}
	if err := json.Unmarshal(b, &m); err != nil || m.Config.Digest == "" {
		t.Fatalf("registry manifest %s:%s (%s) has no config digest: %v\n%s", repo, tag, mt, err, b)
	}
	return m.Config.Digest
}

// Tags lists repo's tags (nil when the repository is unknown).
func (r *Registry) Tags(t testing.TB, repo string) []string {
	t.Helper()
	resp, b, err := r.do("GET", "/v2/"+repo+"/tags/list", nil, nil, -1)
	if err != nil {
		t.Fatalf("registry GET tags of %s: %v", repo, err)
	}
	if resp.StatusCode == http.StatusNotFound {
		return nil
	}
	var l struct{ Tags []string }
	if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &l) != nil {
		t.Fatalf("registry GET tags of %s: %s: %s", repo, resp.Status, b)
	}
	return l.Tags
}

// bcryptLine is an htpasswd line for user/pass. The module has no bcrypt
// (golang.org/x/crypto is not a dependency), so it asks htpasswd(1).
func bcryptLine(t testing.TB, user, pass string) string {
	t.Helper()
	bin, err := lookPath("htpasswd")
	if err != nil {
		t.Fatal("htpasswd not found: apt-get install apache2-utils")
	}
	out, err := exec.Command(bin, "-Bbn", user, pass).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("%v: %s", err, ee.Stderr)
		}
		t.Fatalf("htpasswd -Bbn: %v", err)
	}
	return strings.TrimSpace(string(out)) + "\n"
}

// ShortID is the 12-hex-digit short form of an image ID ("sha256:…").
func ShortID(id string) string {
	h := strings.TrimPrefix(id, "sha256:")
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
