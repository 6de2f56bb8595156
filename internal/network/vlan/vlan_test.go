package vlan

import (
	"strings"
	"testing"
)

func TestCheckOptions(t *testing.T) {
	for _, tc := range []struct {
		driver string
		opts   map[string]string
		err    string
	}{
		{Macvlan, map[string]string{"macvlan_mode": "bridge"}, ""},
		{Macvlan, map[string]string{"macvlan_mode": "hub"}, "requested macvlan mode 'hub' is not valid, 'bridge' mode is the macvlan driver default"},
		{Ipvlan, map[string]string{"ipvlan_mode": "l3s", "ipvlan_flag": "private"}, ""},
		{Ipvlan, map[string]string{"ipvlan_mode": "l4"}, "requested ipvlan mode 'l4' is not valid, 'l2' mode is the ipvlan driver default"},
		{Ipvlan, map[string]string{"ipvlan_flag": "x"}, "requested ipvlan flag 'x' is not valid"},
	} {
		err := CheckOptions(tc.driver, tc.opts)
		if (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("CheckOptions(%s, %v) = %v, want %q", tc.driver, tc.opts, err, tc.err)
		}
	}
	if !L3(Ipvlan, map[string]string{"ipvlan_mode": "l3"}) || L3(Ipvlan, nil) || L3(Macvlan, map[string]string{"ipvlan_mode": "l3"}) {
		t.Error("L3")
	}
}
