package containers

import "testing"

func TestCheckDetachKeys(t *testing.T) {
	if _, err := checkDetachKeys("nope"); err == nil || err.Error() != "Invalid detach keys (nope) provided" {
		t.Errorf("checkDetachKeys: %v", err)
	}
	if k, err := checkDetachKeys(""); err != nil || string(k) != "\x10\x11" {
		t.Errorf("default keys: %q %v", k, err)
	}
}
