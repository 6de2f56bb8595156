package initproc

import (
	"testing"
)

func TestDataOptions(t *testing.T) {
	data := "newinstance,ptmxmode=0666,gid=5,mode=0620"
	if v, ok := dataValue(data, "gid"); !ok || v != "5" {
		t.Errorf("dataValue(gid) = %q, %v", v, ok)
	}
	if _, ok := dataValue(data, "uid"); ok {
		t.Error("dataValue(uid) found a value")
	}
	if got, want := dataWithout(data, "gid"), "newinstance,ptmxmode=0666,mode=0620"; got != want {
		t.Errorf("dataWithout = %q, want %q", got, want)
	}
}

func TestWithin(t *testing.T) {
	if !within("/x/y", "/x") || within("/xy", "/x") || !within("/x", "/") {
		t.Error("within is wrong")
	}
}
