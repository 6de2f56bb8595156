package mountopt

import (
	"slices"
	"testing"

	"golang.org/x/sys/unix"
)

func TestParse(t *testing.T) {
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
		// a local volume's o=
		{opts: "size=1m,ro,nosuid,uid=1000,rw,rbind", flags: unix.MS_NOSUID | unix.MS_BIND | unix.MS_REC, clear: unix.MS_RDONLY, data: "size=1m,uid=1000"},
	}
	for _, tt := range tests {
		t.Run(tt.opts, func(t *testing.T) {
			o := Parse(Split(tt.opts))
			if o.Flags != tt.flags || o.Clear != tt.clear || o.Data != tt.data || o.RecursiveRO != tt.rro || !slices.Equal(o.Propagation, tt.propagation) {
				t.Errorf("got flags %#x clear %#x prop %v data %q rro %v; want %#x %#x %v %q %v",
					o.Flags, o.Clear, o.Propagation, o.Data, o.RecursiveRO, tt.flags, tt.clear, tt.propagation, tt.data, tt.rro)
			}
		})
	}
}
