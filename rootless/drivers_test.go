package rootless

import (
	"io"
	"strings"
	"testing"
)

func TestHelperDriverMissingNamesPackage(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	for name, pkg := range map[string]string{NetworkPasta: "passt", NetworkSlirp4netns: "slirp4netns"} {
		_, err := networkDrivers[name].parent(t.TempDir(), io.Discard)
		if err == nil || !strings.Contains(err.Error(), "install the "+pkg+" package") {
			t.Errorf("%s: got %v, want an error naming the %s package", name, err, pkg)
		}
	}
}

func TestHostGatewayIP(t *testing.T) {
	for driver, want := range map[string]string{
		NetworkGvisorTapVsock: "10.0.2.1",
		NetworkSlirp4netns:    "10.0.2.2",
		NetworkPasta:          "10.0.2.2",
		NetworkNone:           "",
	} {
		t.Setenv(envNetworkDriver, driver)
		if got := HostGatewayIP(); got != want {
			t.Errorf("%s: HostGatewayIP() = %q, want %q", driver, got, want)
		}
	}
}

func TestGvisorTapVsockIsDefault(t *testing.T) {
	if _, ok := networkDrivers[defaultNetwork]; !ok || defaultNetwork != "gvisor-tap-vsock" {
		t.Fatalf("default driver %q", defaultNetwork)
	}
}
