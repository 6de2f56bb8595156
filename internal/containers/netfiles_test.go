package containers

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolvConf(t *testing.T) {
	host := "# comment\nnameserver 127.0.0.53\nnameserver ::1\nnameserver 10.0.0.2\nsearch example.com\noptions edns0\n"
	got := string(resolvConf([]byte(host), nil, nil, nil))
	want := "# comment\nnameserver 10.0.0.2\nsearch example.com\noptions edns0\n"
	if got != want {
		t.Errorf("filtered:\n%s\nwant:\n%s", got, want)
	}
	// Only loopback resolvers: Docker's public fallback.
	got = string(resolvConf([]byte("nameserver 127.0.0.53\nsearch lan\n"), nil, nil, nil))
	if got != "search lan\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n" {
		t.Errorf("fallback: %q", got)
	}
	// --dns, --dns-search and --dns-option replace the host's.
	got = string(resolvConf([]byte(host), []netip.Addr{netip.MustParseAddr("1.1.1.1")}, []string{"a.test"}, []string{"ndots:2"}))
	if got != "# comment\nnameserver 1.1.1.1\nsearch a.test\noptions ndots:2\n" {
		t.Errorf("overrides: %q", got)
	}
}

func TestHostsFile(t *testing.T) {
	got := string(hostsFile("abc", "", ""))
	for _, line := range []string{"127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback", "fe00::0\tip6-localnet", "ff00::0\tip6-mcastprefix", "ff02::1\tip6-allnodes", "ff02::2\tip6-allrouters"} {
		if !strings.Contains(got, line+"\n") {
			t.Errorf("hosts lacks %q:\n%s", line, got)
		}
	}
	if strings.Contains(got, "abc") {
		t.Errorf("no address: no hostname line expected:\n%s", got)
	}
	got = string(hostsFile("abc", "example.com", "172.17.0.2"))
	if !strings.HasSuffix(got, "172.17.0.2\tabc.example.com abc\n") {
		t.Errorf("hostname line:\n%s", got)
	}
}

func TestWriteNetFiles(t *testing.T) {
	dir := t.TempDir()
	hostResolvConf = filepath.Join(dir, "host-resolv.conf")
	defer func() { hostResolvConf = "/etc/resolv.conf" }()
	os.WriteFile(hostResolvConf, []byte("nameserver 127.0.0.1\n"), 0o644)
	if err := writeNetFiles(dir, "h1", "", false, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "hostname"))
	if string(b) != "h1\n" {
		t.Errorf("hostname %q", b)
	}
	b, _ = os.ReadFile(filepath.Join(dir, "resolv.conf"))
	if string(b) != "nameserver 8.8.8.8\nnameserver 8.8.4.4\n" {
		t.Errorf("resolv.conf %q", b)
	}
	// The host's network keeps the host's resolvers.
	if err := writeNetFiles(dir, "h1", "", true, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(filepath.Join(dir, "resolv.conf"))
	if string(b) != "nameserver 127.0.0.1\n" {
		t.Errorf("host network resolv.conf %q", b)
	}
}
