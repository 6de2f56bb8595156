package cli

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/registry"
)

// loginDaemon accepts alice/secret (and "tokenuser", for which it returns
// an identity token) and refuses anything else.
func loginDaemon(t *testing.T) (string, *apiLog) {
	return apiDaemon(t, routes{"POST /auth": func(w http.ResponseWriter, r *http.Request) {
		var ac registry.AuthConfig
		_ = json.NewDecoder(r.Body).Decode(&ac)
		switch {
		case ac.Username == "alice" && ac.Password == "secret":
			jsonHandler(200, registry.AuthResponse{Status: "Login Succeeded"})(w, r)
		case ac.Username == "tokenuser":
			jsonHandler(200, registry.AuthResponse{Status: "Login Succeeded", IdentityToken: "idtok"})(w, r)
		default:
			errorHandler(401, "login attempt to https://"+ac.ServerAddress+"/v2/ failed with status: 401 Unauthorized")(w, r)
		}
	}})
}

// lastAuth is the credentials the last POST /auth carried.
func lastAuth(t *testing.T, log *apiLog) registry.AuthConfig {
	t.Helper()
	var ac registry.AuthConfig
	if err := json.Unmarshal(log.last(t, "/auth").Body, &ac); err != nil {
		t.Fatal(err)
	}
	return ac
}

// readAuths reads config.json's "auths" back.
func readAuths(t *testing.T, dir string) map[string]map[string]string {
	t.Helper()
	var cfg struct {
		Auths map[string]map[string]string `json:"auths"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		t.Fatalf("%v: %s", err, data)
	}
	return cfg.Auths
}

func TestLoginStoresInConfigFile(t *testing.T) {
	host, log := loginDaemon(t)
	tests := []struct {
		name, stdin, server, key string
		args                     []string
		stderr                   []string
		entry                    map[string]string
	}{
		{name: "password stdin", stdin: "secret\n", args: []string{"login", "-u", "alice", "--password-stdin", "localhost:5000"},
			server: "localhost:5000", key: "localhost:5000",
			stderr: []string{"WARNING! Your credentials are stored unencrypted in '"},
			entry:  map[string]string{"auth": b64("alice:secret")}},
		{name: "docker hub", args: []string{"login", "--username", "alice", "--password", "secret"},
			server: indexServer, key: indexServer,
			stderr: []string{"WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n"},
			entry:  map[string]string{"auth": b64("alice:secret")}},
		{name: "docker.io is hub", stdin: "secret", args: []string{"login", "-u", "alice", "--password-stdin", "docker.io"},
			server: indexServer, key: indexServer, entry: map[string]string{"auth": b64("alice:secret")}},
		{name: "URL server", stdin: "secret\r\n", args: []string{"login", "-u", "alice", "--password-stdin", "https://registry.example.com/v2/"},
			server: "registry.example.com", key: "registry.example.com", entry: map[string]string{"auth": b64("alice:secret")}},
		{name: "identity token", stdin: "pw\n", args: []string{"login", "-u", "tokenuser", "--password-stdin", "localhost:5000"},
			server: "localhost:5000", key: "localhost:5000", entry: map[string]string{"auth": b64("tokenuser:"), "identitytoken": "idtok"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeConfig(t, dir, `{"psFormat":"table {{.Names}}","auths":{"other.example":{"auth":"`+b64("o:p")+`"}}}`)
			r := runCLI(t, map[string]string{"DOCKER_CONFIG": dir}, tt.stdin, append([]string{"-H", host}, tt.args...)...)
			if r.code != 0 || r.stdout != "Login Succeeded\n" {
				t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
			}
			for _, s := range tt.stderr {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr %q lacks %q", r.stderr, s)
				}
			}
			if ac := lastAuth(t, log); ac.ServerAddress != tt.server {
				t.Errorf("POST /auth server %q, want %q", ac.ServerAddress, tt.server)
			}
			auths := readAuths(t, dir)
			if got := auths[tt.key]; len(got) != len(tt.entry) || got["auth"] != tt.entry["auth"] || got["identitytoken"] != tt.entry["identitytoken"] {
				t.Errorf("auths[%q] = %v, want %v", tt.key, got, tt.entry)
			}
			if auths["other.example"]["auth"] != b64("o:p") {
				t.Errorf("other entry lost: %v", auths)
			}
			if data, _ := os.ReadFile(filepath.Join(dir, "config.json")); !bytes.Contains(data, []byte(`"psFormat": "table {{.Names}}"`)) {
				t.Errorf("psFormat lost:\n%s", data)
			}
		})
	}
}

func TestLoginCredentialHelper(t *testing.T) {
	calls := fakeHelper(t)
	host, _ := loginDaemon(t)
	dir := t.TempDir()
	writeConfig(t, dir, `{"credsStore":"fake"}`)
	r := runCLI(t, map[string]string{"DOCKER_CONFIG": dir}, "secret", "-H", host, "login", "-u", "alice", "--password-stdin", "localhost:5000")
	if r.code != 0 || r.stdout != "Login Succeeded\n" || strings.Contains(r.stderr, "unencrypted") {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	log, _ := os.ReadFile(calls)
	if want := `store {"ServerURL":"localhost:5000","Username":"alice","Secret":"secret"}`; !strings.Contains(string(log), want) {
		t.Errorf("helper calls %q, want %q", log, want)
	}
	if got, ok := readAuths(t, dir)["localhost:5000"]; !ok || len(got) != 0 {
		t.Errorf("config entry %v, want an empty one as docker keeps", got)
	}
}

func TestLoginStoredCredentials(t *testing.T) {
	host, log := loginDaemon(t)
	dir := t.TempDir()
	writeConfig(t, dir, `{"auths":{"localhost:5000":{"auth":"`+b64("alice:secret")+`"},"bad.example":{"auth":"`+b64("bob:wrong")+`"}}}`)
	env := map[string]string{"DOCKER_CONFIG": dir}
	r := runCLI(t, env, "", "-H", host, "login", "localhost:5000")
	if r.code != 0 || r.stdout != "Login Succeeded\n" || !strings.HasPrefix(r.stderr, "Authenticating with existing credentials... [Username: alice]\n") {
		t.Errorf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	if ac := lastAuth(t, log); ac.Username != "alice" || ac.Password != "secret" {
		t.Errorf("POST /auth %+v", ac)
	}
	// Rejected stored credentials fall back to a prompt, which needs a terminal.
	r = runCLI(t, env, "", "-H", host, "login", "bad.example")
	if r.code != 1 || !strings.Contains(r.stderr, "Login did not succeed, error: Error response from daemon: login attempt") &&
		!strings.Contains(r.stderr, "Stored credentials invalid or expired") ||
		!strings.HasSuffix(r.stderr, "Error: Cannot perform an interactive login from a non TTY device\n") {
		t.Errorf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestLoginErrors(t *testing.T) {
	host, _ := loginDaemon(t)
	tests := []struct {
		name, stdin string
		args        []string
		stderr      string
	}{
		{"no tty", "", []string{"login"}, "Error: Cannot perform an interactive login from a non TTY device\n"},
		{"user only, no tty", "", []string{"login", "-u", "alice", "localhost:5000"}, "Error: Cannot perform an interactive login from a non TTY device\n"},
		{"both passwords", "x", []string{"login", "-u", "a", "-p", "x", "--password-stdin"}, "conflicting options: cannot specify both --password and --password-stdin\n"},
		{"stdin without user", "x", []string{"login", "--password-stdin"}, "the --password-stdin option requires --username to be set\n"},
		{"refused", "wrong", []string{"login", "-u", "alice", "--password-stdin", "localhost:5000"},
			"Error response from daemon: login attempt to https://localhost:5000/v2/ failed with status: 401 Unauthorized\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			r := runCLI(t, map[string]string{"DOCKER_CONFIG": dir}, tt.stdin, append([]string{"-H", host}, tt.args...)...)
			if r.code != 1 || r.stdout != "" || r.stderr != tt.stderr {
				t.Errorf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
			}
			if _, err := os.Stat(filepath.Join(dir, "config.json")); err == nil {
				t.Error("config.json written by a failed login")
			}
		})
	}
}

func TestLoginPrompt(t *testing.T) {
	host, log := loginDaemon(t)
	master, tty := openPty(t)
	if _, err := master.Write([]byte("alice\nsecret\n")); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var out, errb bytes.Buffer
	code := runWith(t, map[string]string{"DOCKER_CONFIG": dir}, Streams{Stdin: tty, Stdout: &out, Stderr: &errb}, "-H", host, "login", "localhost:5000")
	if code != 0 || out.String() != "Username: Password: \nLogin Succeeded\n" {
		t.Fatalf("exit %d stdout %q stderr %q", code, out.String(), errb.String())
	}
	if ac := lastAuth(t, log); ac.Username != "alice" || ac.Password != "secret" || ac.ServerAddress != "localhost:5000" {
		t.Errorf("POST /auth %+v", ac)
	}
	if readAuths(t, dir)["localhost:5000"]["auth"] != b64("alice:secret") {
		t.Errorf("not stored: %v", readAuths(t, dir))
	}
}

func TestLogout(t *testing.T) {
	dir := t.TempDir()
	writeConfig(t, dir, `{"x-keep":[1],"auths":{
		"localhost:5000":{"auth":"`+b64("a:b")+`"},
		"https://localhost:5000":{"auth":"`+b64("a:b")+`"},
		"https://index.docker.io/v1/":{"auth":"`+b64("h:p")+`"}}}`)
	env := map[string]string{"DOCKER_CONFIG": dir}
	r := runCLI(t, env, "", "logout", "http://localhost:5000/")
	if r.code != 0 || r.stdout != "Removing login credentials for localhost:5000\n" || r.stderr != "" {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	auths := readAuths(t, dir)
	if len(auths) != 1 || auths[indexServer] == nil {
		t.Errorf("auths after logout: %v", auths)
	}
	r = runCLI(t, env, "", "logout")
	if r.code != 0 || r.stdout != "Removing login credentials for https://index.docker.io/v1/\n" {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	if auths := readAuths(t, dir); len(auths) != 0 {
		t.Errorf("auths after hub logout: %v", auths)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "config.json")); !bytes.Contains(data, []byte(`"x-keep"`)) {
		t.Errorf("unknown key lost:\n%s", data)
	}
	// Logging out of a registry one never logged in to is quiet.
	r = runCLI(t, map[string]string{"DOCKER_CONFIG": t.TempDir()}, "", "logout", "nowhere.example")
	if r.code != 0 || r.stderr != "" {
		t.Errorf("exit %d stderr %q", r.code, r.stderr)
	}
}

func TestLogoutCredentialHelper(t *testing.T) {
	calls := fakeHelper(t)
	dir := t.TempDir()
	writeConfig(t, dir, `{"credsStore":"fake","auths":{"registry.example.com":{}}}`)
	r := runCLI(t, map[string]string{"DOCKER_CONFIG": dir}, "", "logout", "registry.example.com")
	if r.code != 0 || r.stdout != "Removing login credentials for registry.example.com\n" {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	log, _ := os.ReadFile(calls)
	want := "erase registry.example.com\nerase registry.example.com\nerase http://registry.example.com\nerase https://registry.example.com\n"
	if string(log) != want {
		t.Errorf("helper calls %q, want %q", log, want)
	}
	if auths := readAuths(t, dir); len(auths) != 0 {
		t.Errorf("auths %v", auths)
	}
}
