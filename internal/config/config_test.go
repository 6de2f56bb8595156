package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr string // substring; "" means success
		check   func(t *testing.T, c *Config)
	}{
		{name: "empty", in: "", check: func(t *testing.T, c *Config) {
			if c.LogLevel != "info" || len(c.DefaultAddressPools) != 7 {
				t.Errorf("defaults not applied: %+v", c)
			}
		}},
		{name: "whitespace", in: " \n\t"},
		{name: "empty object", in: "{}"},
		{name: "null", in: "null"},
		{name: "bom", in: "\xef\xbb\xbf{\"debug\": true}", check: func(t *testing.T, c *Config) {
			if !c.Debug {
				t.Error("debug not set")
			}
		}},
		{name: "docker keys", in: `{
  "data-root": "/srv/skiff",
  "log-level": "debug",
  "hosts": ["unix:///run/user/1000/skiff.sock", "tcp://127.0.0.1:2376", "fd://"],
  "insecure-registries": ["localhost:5000"],
  "registry-mirrors": ["https://mirror.example"],
  "dns": ["1.1.1.1", "2606:4700::1111"],
  "dns-opts": ["ndots:2"],
  "dns-search": ["example.com"],
  "default-address-pools": [{"base": "10.10.0.0/16", "size": 24}],
  "features": {"buildkit": true, "containerd-snapshotter": false},
  "mtu": 1400,
  "log-driver": "local",
  "log-opts": {"max-size": "10m"},
  "default-ulimits": {"nofile": {"Name": "nofile", "Hard": 65536, "Soft": 1024}},
  "default-shm-size": "128M",
  "userland-proxy": false,
  "proxies": {"http-proxy": "http://proxy:3128", "no-proxy": "localhost"},
  "builder": {"gc": {"enabled": true, "defaultKeepStorage": "10GB"}},
  "rootless-network-driver": "pasta",
  "rootless-port-driver": "implicit",
  "idle-timeout": "30m"
}`, check: func(t *testing.T, c *Config) {
			if c.DataRoot != "/srv/skiff" || c.LogLevel != "debug" || len(c.Hosts) != 3 || c.MTU != 1400 {
				t.Errorf("scalars: %+v", c)
			}
			if !reflect.DeepEqual(c.DefaultAddressPools, []AddressPool{{"10.10.0.0/16", 24}}) {
				t.Errorf("pools replace the defaults: %+v", c.DefaultAddressPools)
			}
			if !c.Features["buildkit"] || c.LogOpts["max-size"] != "10m" || c.DefaultUlimits["nofile"].Soft != 1024 {
				t.Errorf("maps: %+v", c)
			}
			if c.DefaultShmSize != 128<<20 || c.UserlandProxy || c.Proxies.HTTPProxy != "http://proxy:3128" {
				t.Errorf("shm/proxy: %+v", c)
			}
			if c.Builder.GC.Enabled == nil || !*c.Builder.GC.Enabled {
				t.Errorf("builder: %+v", c.Builder)
			}
			if c.RootlessNetworkDriver != NetworkPasta || time.Duration(c.IdleTimeout) != 30*time.Minute {
				t.Errorf("skiff keys: %+v", c)
			}
			if len(c.Unused()) != 0 {
				t.Errorf("Unused = %v", c.Unused())
			}
		}},
		{name: "docker-only keys are accepted and reported", in: `{"iptables": false, "userns-remap": "default", "debug": true}`,
			check: func(t *testing.T, c *Config) {
				if got := c.Unused(); !reflect.DeepEqual(got, []string{"iptables", "userns-remap"}) {
					t.Errorf("Unused = %v", got)
				}
			}},
		{name: "shm size as number", in: `{"default-shm-size": 1048576}`, check: func(t *testing.T, c *Config) {
			if c.DefaultShmSize != 1<<20 {
				t.Errorf("shm = %d", c.DefaultShmSize)
			}
		}},
		{name: "unknown key", in: `{"debug": true, "foo": 1, "bar": 2}`,
			wantErr: "the following directives don't match any configuration option: bar, foo"},
		{name: "unknown proxies member", in: `{"proxies": {"ftp-proxy": "x"}}`,
			wantErr: "don't match any configuration option: ftp-proxy"},
		{name: "syntax error line and column", in: "{\n  \"debug\": true,\n    x\n}",
			wantErr: "daemon.json: invalid JSON at line 3, column 5: invalid character 'x'"},
		{name: "trailing comma", in: "{\"debug\": true,\n}",
			wantErr: "invalid JSON at line 2, column 1"},
		{name: "truncated", in: "{\"debug\": ",
			wantErr: "invalid JSON at line 1"},
		{name: "wrong type has position", in: "{\n\"mtu\": \"big\"}",
			wantErr: "invalid value at line 2, column 12: mtu must be int, not string"},
		{name: "top level array", in: `[1]`, wantErr: "the top level must be a JSON object"},
		{name: "bad log level", in: `{"log-level": "loud"}`, wantErr: `log-level: invalid logging level "loud"`},
		{name: "log level case", in: `{"log-level": "WARN"}`},
		{name: "bad host scheme", in: `{"hosts": ["http://x"]}`, wantErr: "hosts: invalid address"},
		{name: "relative unix host", in: `{"hosts": ["unix://skiff.sock"]}`, wantErr: "unix:///absolute/path"},
		{name: "bad pool", in: `{"default-address-pools": [{"base": "10.0.0.0/33", "size": 24}]}`, wantErr: "default-address-pools[0]: base"},
		{name: "pool size too small", in: `{"default-address-pools": [{"base": "10.0.0.0/16", "size": 8}]}`, wantErr: "size 8"},
		{name: "pool host bits", in: `{"default-address-pools": [{"base": "10.0.0.1/16", "size": 24}]}`, wantErr: "did you mean 10.0.0.0/16"},
		{name: "bad dns", in: `{"dns": ["one.one"]}`, wantErr: "dns:"},
		{name: "bad network driver", in: `{"rootless-network-driver": "vpnkit"}`, wantErr: "rootless-network-driver"},
		{name: "bad port driver", in: `{"rootless-port-driver": "socat"}`, wantErr: "rootless-port-driver"},
		{name: "host gateway ip", in: `{"host-gateway-ip": "192.168.1.5"}`},
		{name: "bad host gateway ip", in: `{"host-gateway-ip": "gateway"}`, wantErr: `host-gateway-ip: "gateway" is not an IP address`},
		{name: "bad idle timeout", in: `{"idle-timeout": "soon"}`, wantErr: `idle-timeout: time: invalid duration "soon"`},
		{name: "numeric idle timeout", in: `{"idle-timeout": 30}`, wantErr: "duration must be a string"},
		{name: "shim group size", in: `{"shim-group-size": 1}`},
		{name: "zero shim group size", in: `{"shim-group-size": 0}`, wantErr: "shim-group-size: 0 must be between 1 (a shim per container) and 64"},
		{name: "huge shim group size", in: `{"shim-group-size": 1000}`, wantErr: "shim-group-size: 1000 must be between"},
		{name: "string shim group size", in: `{"shim-group-size": "8"}`, wantErr: "shim-group-size must be int"},
		{name: "bad shm", in: `{"default-shm-size": "lots"}`, wantErr: "invalid size"},
		{name: "bad exec opt", in: `{"exec-opts": ["isolation=hyperv"]}`, wantErr: "exec-opts"},
		{name: "relative data root", in: `{"data-root": "data"}`, wantErr: "absolute"},
		{name: "bad mirror", in: `{"registry-mirrors": ["mirror.example"]}`, wantErr: "registry-mirrors"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("daemon.json", []byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, c)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(filepath.Join(dir, "missing.json"))
	if err != nil {
		t.Fatalf("missing file: %v", err)
	}
	if !reflect.DeepEqual(c.DefaultAddressPools, DefaultAddressPools()) {
		t.Errorf("missing file should give defaults")
	}
	p := filepath.Join(dir, "daemon.json")
	if err := os.WriteFile(p, []byte("{\n  \"debug\": tru\n}"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Load(p)
	if err == nil || !strings.HasPrefix(err.Error(), p+": invalid JSON at line 2, column 15") {
		t.Errorf("err = %v", err)
	}
	// A directory cannot be read: that is an error, not defaults.
	if _, err := Load(dir); err == nil {
		t.Error("reading a directory should fail")
	}
}

func TestDefaults(t *testing.T) {
	c := Defaults()
	if err := c.Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
	want := []string{"172.17.0.0/16", "172.18.0.0/16", "172.19.0.0/16", "172.20.0.0/14", "172.24.0.0/14", "172.28.0.0/14", "192.168.0.0/16"}
	for i, p := range c.DefaultAddressPools {
		wantSize := 16
		if i == len(want)-1 {
			wantSize = 20
		}
		if p.Base != want[i] || p.Size != wantSize {
			t.Errorf("pool %d = %+v", i, p)
		}
	}
	// Each call returns fresh maps: loading one file must not leak into the next.
	c.Features["x"] = true
	if len(Defaults().Features) != 0 {
		t.Error("Defaults shares maps between calls")
	}
}

func TestMerge(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		flags   Config
		set     map[string]bool
		wantErr string
		check   func(t *testing.T, c *Config)
	}{
		{name: "flag overrides default", file: `{"debug": true}`,
			flags: Config{LogLevel: "warn"}, set: map[string]bool{"log-level": true},
			check: func(t *testing.T, c *Config) {
				if c.LogLevel != "warn" || !c.Debug {
					t.Errorf("%+v", c)
				}
			}},
		{name: "unset flags are ignored", file: `{"mtu": 1400}`,
			flags: Config{MTU: 9000, LogLevel: "error"}, set: map[string]bool{"log-level": true},
			check: func(t *testing.T, c *Config) {
				if c.MTU != 1400 {
					t.Errorf("mtu = %d", c.MTU)
				}
			}},
		{name: "singular flag name", flags: Config{Labels: []string{"a=b"}}, set: map[string]bool{"label": true},
			check: func(t *testing.T, c *Config) {
				if !reflect.DeepEqual(c.Labels, []string{"a=b"}) {
					t.Errorf("labels = %v", c.Labels)
				}
			}},
		{name: "proxy member", flags: Config{Proxies: Proxies{HTTPSProxy: "http://p"}}, set: map[string]bool{"https-proxy": true},
			check: func(t *testing.T, c *Config) {
				if c.Proxies.HTTPSProxy != "http://p" {
					t.Errorf("%+v", c.Proxies)
				}
			}},
		{name: "conflict", file: `{"debug": false, "log-level": "info"}`,
			flags: Config{Debug: true, LogLevel: "debug"}, set: map[string]bool{"debug": true, "log-level": true},
			wantErr: "the following directives are specified both as a flag and in the configuration file: debug: (from flag: true, from file: false), log-level: (from flag: debug, from file: info)"},
		{name: "conflict in proxies", file: `{"proxies": {"http-proxy": "http://a"}}`,
			flags: Config{Proxies: Proxies{HTTPProxy: "http://b"}}, set: map[string]bool{"http-proxy": true},
			wantErr: "http-proxy: (from flag: http://b, from file: http://a)"},
		{name: "unknown flag key", set: map[string]bool{"nope": true}, wantErr: "unknown configuration flags: nope"},
		{name: "merged result validated", flags: Config{LogLevel: "loud"}, set: map[string]bool{"log-level": true}, wantErr: "invalid logging level"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("daemon.json", []byte(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			err = c.Merge(&tt.flags, tt.set)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, c)
			}
		})
	}
}

// TestMergeCoversEveryKey guards against a Config field that Merge cannot
// reach (e.g. a new nested object without a nestedKeys entry).
func TestMergeCoversEveryKey(t *testing.T) {
	for k := range knownKeys() {
		if nestedKeys[k] {
			continue
		}
		key := k
		if _, member, ok := strings.Cut(k, "."); ok {
			key = member
		}
		c := Defaults()
		if _, ok := fieldByKey(reflectValue(c), key); !ok {
			t.Errorf("no field for %q", key)
		}
		if dockerOnlyKeys[key] {
			t.Errorf("%q is both a skiff field and a docker-only key", key)
		}
	}
}

func FuzzLoad(f *testing.F) {
	for _, s := range []string{"", "{}", `{"debug": true}`, `{"proxies": {"http-proxy": "x"}}`,
		`{"default-address-pools": [{"base": "10.0.0.0/8", "size": 24}]}`, `{"default-shm-size": "64M"}`,
		`{"idle-timeout": "5m"}`, "{\n  \"mtu\": \"x\"\n}", `[`, `{"hosts": ["tcp://:2375"]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("daemon.json", data)
		if err != nil {
			return
		}
		// What loads must validate and merge with nothing set.
		if err := c.Merge(&Config{}, nil); err != nil {
			t.Fatalf("merge of a loaded config failed: %v", err)
		}
		_ = c.Unused()
	})
}

func reflectValue(c *Config) reflect.Value { return reflect.ValueOf(c).Elem() }
