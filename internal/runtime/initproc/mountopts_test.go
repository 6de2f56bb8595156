package initproc

import (
	"slices"
	"testing"

	"golang.org/x/sys/unix"
)

func TestParseMountOptions(t *testing.T) {
	tests := []struct {
		opts        string
		flags       uintptr
		clear       uintptr
		propagation []uintptr
		data        string
		rro         bool
	}{
		{opts: "nosuid,noexec,mode=755,size=65536k", flags: unix.MS_NOSUID | unix.MS_NOEXEC, data: "mode=755,size=65536k"},
		{opts: "newinstance,ptmxmode=0666,mode=0620,gid=5,nosuid,noexec", flags: unix.MS_NOSUID | unix.MS_NOEXEC, data: "newinstance,ptmxmode=0666,mode=0620,gid=5"},
		{opts: "rbind,ro,rprivate", flags: unix.MS_BIND | unix.MS_REC | unix.MS_RDONLY, propagation: []uintptr{unix.MS_PRIVATE | unix.MS_REC}},
		{opts: "ro,rw", clear: unix.MS_RDONLY},
		{opts: "rw,ro", flags: unix.MS_RDONLY},
		{opts: "bind,rro,rslave", flags: unix.MS_BIND | unix.MS_RDONLY, propagation: []uintptr{unix.MS_SLAVE | unix.MS_REC}, rro: true},
		{opts: "nosuid,suid,dev,exec", clear: unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC},
		{opts: "defaults,tmpcopyup", flags: 0},
		{opts: "", flags: 0},
	}
	for _, tt := range tests {
		t.Run(tt.opts, func(t *testing.T) {
			o := parseMountOptions(splitOptions(tt.opts))
			if o.flags != tt.flags || o.clear != tt.clear || o.data != tt.data || o.recursiveRO != tt.rro || !slices.Equal(o.propagation, tt.propagation) {
				t.Errorf("got flags %#x clear %#x prop %v data %q rro %v; want %#x %#x %v %q %v",
					o.flags, o.clear, o.propagation, o.data, o.recursiveRO, tt.flags, tt.clear, tt.propagation, tt.data, tt.rro)
			}
		})
	}
}

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

func TestUnescapeMountinfo(t *testing.T) {
	if got := unescapeMountinfo(`/a\040b\011c`); got != "/a b\tc" {
		t.Errorf("got %q", got)
	}
	if !within("/x/y", "/x") || within("/xy", "/x") || !within("/x", "/") {
		t.Error("within is wrong")
	}
}
