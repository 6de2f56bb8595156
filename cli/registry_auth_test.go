package cli

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/registry"
)

func TestNormalizeRemote(t *testing.T) {
	const dgst = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	tests := []struct {
		in        string
		all       bool
		want      string
		defaulted bool
		authKey   string
		err       string
	}{
		{in: "busybox", want: "docker.io/library/busybox:latest", defaulted: true, authKey: indexServer},
		{in: "busybox:1.36", want: "docker.io/library/busybox:1.36", authKey: indexServer},
		{in: "library/busybox", want: "docker.io/library/busybox:latest", defaulted: true, authKey: indexServer},
		{in: "user/app", want: "docker.io/user/app:latest", defaulted: true, authKey: indexServer},
		{in: "index.docker.io/user/app:v1", want: "docker.io/user/app:v1", authKey: indexServer},
		{in: "busybox@" + dgst, want: "docker.io/library/busybox@" + dgst, authKey: indexServer},
		{in: "localhost:5000/app", want: "localhost:5000/app:latest", defaulted: true, authKey: "localhost:5000"},
		{in: "127.0.0.1:5000/team/app:1", want: "127.0.0.1:5000/team/app:1", authKey: "127.0.0.1:5000"},
		{in: "ghcr.io/owner/img", want: "ghcr.io/owner/img:latest", defaulted: true, authKey: "ghcr.io"},
		{in: "busybox", all: true, want: "docker.io/library/busybox", authKey: indexServer},
		{in: "busybox:1.36", all: true, err: "tag can't be used with --all-tags/-a"},
		{in: "Busybox", err: "repository name (library/Busybox) must be lowercase"},
		{in: "bad name", err: "invalid reference format"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			ref, defaulted, err := normalizeRemote(tt.in, tt.all)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ref.String() != tt.want || defaulted != tt.defaulted {
				t.Errorf("got %s (defaulted %v), want %s (%v)", ref, defaulted, tt.want, tt.defaulted)
			}
			if key := authConfigKey(strings.SplitN(ref.String(), "/", 2)[0]); key != tt.authKey {
				t.Errorf("auth key %q, want %q", key, tt.authKey)
			}
		})
	}
}

func TestConvertToHostname(t *testing.T) {
	for in, want := range map[string]string{
		"registry.example.com":          "registry.example.com",
		"registry.example.com/v2/":      "registry.example.com",
		"https://registry.example.com":  "registry.example.com",
		"http://localhost:5000/v1/":     "localhost:5000",
		"https://index.docker.io/v1/":   "index.docker.io",
		"localhost:5000":                "localhost:5000",
		"https://[::1]:5000/some/where": "[::1]:5000",
	} {
		if got := convertToHostname(in); got != want {
			t.Errorf("convertToHostname(%q) = %q, want %q", in, got, want)
		}
	}
}

// fakeHelper installs docker-credential-fake on PATH. It knows
// registry.example.com (user and password) and token.example.com (an
// identity token), accepts store and erase, and logs every call to the
// returned file.
func fakeHelper(t *testing.T) (calls string) {
	t.Helper()
	dir := t.TempDir()
	calls = filepath.Join(dir, "calls")
	script := `#!/bin/sh
IFS= read -r input
printf '%s %s\n' "$1" "$input" >> "` + calls + `"
case "$1" in
get)
	case "$input" in
	registry.example.com) echo '{"ServerURL":"registry.example.com","Username":"helperuser","Secret":"helpersecret"}' ;;
	token.example.com) echo '{"ServerURL":"token.example.com","Username":"<token>","Secret":"idtoken"}' ;;
	broken.example.com) echo 'keychain is locked'; exit 1 ;;
	*) echo 'credentials not found in native keychain'; exit 1 ;;
	esac ;;
store|erase) ;;
*) echo "unknown action $1"; exit 1 ;;
esac
`
	if err := os.WriteFile(filepath.Join(dir, "docker-credential-fake"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return calls
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestLookupAuth(t *testing.T) {
	fakeHelper(t)
	tests := []struct {
		name   string
		config string // config.json; "" for none
		env    string // DOCKER_AUTH_CONFIG
		server string
		want   registry.AuthConfig
		err    string
	}{
		{name: "no config", server: indexServer},
		{name: "empty file", config: " ", server: indexServer},
		{name: "hub auth", server: indexServer,
			config: `{"auths":{"https://index.docker.io/v1/":{"auth":"` + b64("hubuser:hubpass") + `"}}}`,
			want:   registry.AuthConfig{Username: "hubuser", Password: "hubpass", ServerAddress: indexServer}},
		{name: "other registry not sent", server: indexServer,
			config: `{"auths":{"localhost:5000":{"auth":"` + b64("u:p") + `"}}}`},
		{name: "URL key matches host", server: "registry.local:5000",
			config: `{"auths":{"https://registry.local:5000/v2/":{"auth":"` + b64("u:p:with:colons") + `"}}}`,
			want:   registry.AuthConfig{Username: "u", Password: "p:with:colons", ServerAddress: "https://registry.local:5000/v2/"}},
		{name: "identity token in file", server: "localhost:5000",
			config: `{"auths":{"localhost:5000":{"identitytoken":"tok"}}}`,
			want:   registry.AuthConfig{IdentityToken: "tok", ServerAddress: "localhost:5000"}},
		{name: "bad base64", server: "localhost:5000",
			config: `{"auths":{"localhost:5000":{"auth":"%%%"}}}`, err: "illegal base64"},
		{name: "credsStore", server: "registry.example.com",
			config: `{"credsStore":"fake","auths":{"registry.example.com":{}}}`,
			want:   registry.AuthConfig{Username: "helperuser", Password: "helpersecret", ServerAddress: "registry.example.com"}},
		{name: "credsStore identity token", server: "token.example.com",
			config: `{"credsStore":"fake"}`,
			want:   registry.AuthConfig{IdentityToken: "idtoken", ServerAddress: "token.example.com"}},
		{name: "credsStore not found", server: "unknown.example.com", config: `{"credsStore":"fake"}`},
		{name: "credsStore failing", server: "broken.example.com", config: `{"credsStore":"fake"}`, err: "keychain is locked"},
		{name: "credHelpers beats auths", server: "registry.example.com",
			config: `{"credHelpers":{"registry.example.com":"fake"},"auths":{"registry.example.com":{"auth":"` + b64("file:pass") + `"}}}`,
			want:   registry.AuthConfig{Username: "helperuser", Password: "helpersecret", ServerAddress: "registry.example.com"}},
		{name: "credHelpers only for its registry", server: indexServer,
			config: `{"credHelpers":{"registry.example.com":"fake"},"auths":{"https://index.docker.io/v1/":{"auth":"` + b64("hub:pw") + `"}}}`,
			want:   registry.AuthConfig{Username: "hub", Password: "pw", ServerAddress: indexServer}},
		{name: "missing helper", server: "registry.example.com", config: `{"credsStore":"nonexistent"}`,
			err: "docker-credential-nonexistent"},
		{name: "env first", server: indexServer,
			config: `{"auths":{"https://index.docker.io/v1/":{"auth":"` + b64("file:pw") + `"}}}`,
			env:    `{"auths":{"https://index.docker.io/v1/":{"auth":"` + b64("env:pw") + `"}}}`,
			want:   registry.AuthConfig{Username: "env", Password: "pw", ServerAddress: indexServer}},
		{name: "env falls back to file", server: indexServer,
			config: `{"auths":{"https://index.docker.io/v1/":{"auth":"` + b64("file:pw") + `"}}}`,
			env:    `{"auths":{"localhost:5000":{"auth":"` + b64("env:pw") + `"}}}`,
			want:   registry.AuthConfig{Username: "file", Password: "pw", ServerAddress: indexServer}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.config != "" {
				if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(tt.config), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			a := newApp(Streams{Stdout: &strings.Builder{}, Stderr: &strings.Builder{}}, Build{}, Roles{},
				mapEnv(map[string]string{authConfigEnv: tt.env}))
			a.globals = &globals{Config: dir}
			got, err := a.lookupAuth(tt.server)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestEncodeAuthHeader(t *testing.T) {
	h, err := encodeAuthHeader(registry.AuthConfig{})
	if err != nil || h != "e30=" {
		t.Errorf("empty credentials: %q %v, want e30= (docker's \"{}\")", h, err)
	}
	h, _ = encodeAuthHeader(registry.AuthConfig{Username: "u", Password: "p?>", ServerAddress: indexServer})
	if strings.ContainsAny(h, "+/") {
		t.Errorf("%q is not base64url", h)
	}
	if got := decodeAuthHeader(t, h); got.Username != "u" || got.Password != "p?>" || got.ServerAddress != indexServer {
		t.Errorf("round trip: %+v", got)
	}
}
