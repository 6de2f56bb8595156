package cli

import (
	"errors"
	"reflect"
	"testing"
)

func TestResolveHost(t *testing.T) {
	def := func() (string, error) { return "unix:///run/user/1000/skiff/skiff.sock", nil }
	tests := []struct {
		name    string
		flags   []string
		env     map[string]string
		want    hostSpec
		wantErr bool
	}{
		{"default socket", nil, nil, hostSpec{URL: "unix:///run/user/1000/skiff/skiff.sock", Default: true}, false},
		{"DOCKER_HOST", nil, map[string]string{"DOCKER_HOST": "unix:///d.sock"}, hostSpec{URL: "unix:///d.sock"}, false},
		{"SKIFF_HOST beats DOCKER_HOST", nil, map[string]string{"SKIFF_HOST": "unix:///s.sock", "DOCKER_HOST": "unix:///d.sock"}, hostSpec{URL: "unix:///s.sock"}, false},
		{"flag beats env", []string{"unix:///f.sock"}, map[string]string{"SKIFF_HOST": "unix:///s.sock", "DOCKER_HOST": "unix:///d.sock"}, hostSpec{URL: "unix:///f.sock"}, false},
		{"first flag wins", []string{"unix:///a.sock", "unix:///b.sock"}, nil, hostSpec{URL: "unix:///a.sock"}, false},
		{"tcp default port", []string{"tcp://example.com"}, nil, hostSpec{URL: "tcp://example.com:2375"}, false},
		{"tcp with port", []string{"tcp://10.0.0.1:1234"}, nil, hostSpec{URL: "tcp://10.0.0.1:1234"}, false},
		{"tcp empty host", []string{"tcp://:2376"}, nil, hostSpec{URL: "tcp://127.0.0.1:2376"}, false},
		{"ssh", nil, map[string]string{"DOCKER_HOST": "ssh://me@box:2222"}, hostSpec{URL: "ssh://me@box:2222"}, false},
		{"relative unix path", []string{"unix://rel.sock"}, nil, hostSpec{}, true},
		{"no scheme", []string{"/tmp/x.sock"}, nil, hostSpec{}, true},
		{"unknown scheme", []string{"npipe:////./pipe/x"}, nil, hostSpec{}, true},
		{"ssh password", []string{"ssh://me:secret@box"}, nil, hostSpec{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := resolveHost(tt.flags, mapEnv(tt.env), def)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestResolveHostDefaultError(t *testing.T) {
	boom := errors.New("XDG_RUNTIME_DIR is not set")
	_, err := resolveHost(nil, mapEnv(nil), func() (string, error) { return "", boom })
	if !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
}

func TestSSHArgv(t *testing.T) {
	tests := []struct {
		host string
		want []string
	}{
		{"ssh://box", []string{"ssh", "-o", "ConnectTimeout=30", "-T", "--", "box", "skiff", "system", "dial-stdio"}},
		{"ssh://me@box:2222", []string{"ssh", "-l", "me", "-p", "2222", "-o", "ConnectTimeout=30", "-T", "--", "box", "skiff", "system", "dial-stdio"}},
		{"ssh://box/run/skiff.sock", []string{"ssh", "-o", "ConnectTimeout=30", "-T", "--", "box", "skiff", "--host", "unix:///run/skiff.sock", "system", "dial-stdio"}},
	}
	for _, tt := range tests {
		h, err := parseSSHHost(tt.host)
		if err != nil {
			t.Fatal(err)
		}
		if got := h.argv(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.host, got, tt.want)
		}
	}
}
