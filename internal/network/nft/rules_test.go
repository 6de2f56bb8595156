package nft

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/nftables"
)

func TestBuild(t *testing.T) {
	nets := []Net{
		{Bridge: "docker0", Subnets: []netip.Prefix{netip.MustParsePrefix("172.17.0.0/16")}},
		{Bridge: "br-a", Subnets: []netip.Prefix{netip.MustParsePrefix("172.18.0.0/16"), netip.MustParsePrefix("fd00:1::/64")}},
		{Bridge: "br-int", Subnets: []netip.Prefix{netip.MustParsePrefix("172.19.0.0/16")}, Internal: true},
	}
	var got []string
	for _, r := range Build(nftables.TableFamilyIPv4, nets) {
		got = append(got, r.Chain+": "+r.Text)
		if len(r.Exprs) == 0 {
			t.Errorf("%s: no expressions", r.Text)
		}
	}
	want := []string{
		`forward: iifname "br-int" oifname != "br-int" drop`,
		`forward: oifname "br-int" iifname != "br-int" drop`,
		`forward: iifname "docker0" oifname "br-a" drop`,
		`forward: iifname "br-a" oifname "docker0" drop`,
		`postrouting: ip saddr 172.17.0.0/16 oifname != "docker0" masquerade`,
		`postrouting: ip saddr 172.18.0.0/16 oifname != "br-a" masquerade`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	v6 := Build(nftables.TableFamilyIPv6, nets)
	last := v6[len(v6)-1]
	if last.Text != `ip6 saddr fd00:1::/64 oifname != "br-a" masquerade` {
		t.Fatalf("ipv6: %s", last.Text)
	}
}
