package initproc

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLookPath(t *testing.T) {
	dir := t.TempDir()
	bin1, bin2 := filepath.Join(dir, "bin1"), filepath.Join(dir, "bin2")
	for _, d := range []string{bin1, bin2, filepath.Join(dir, "adir")} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p string, mode os.FileMode) {
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), mode); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(bin1, "plain"), 0o644) // not executable: skipped in PATH
	write(filepath.Join(bin2, "plain"), 0o755)
	write(filepath.Join(bin2, "tool"), 0o755)
	path := bin1 + ":" + bin2

	tests := []struct {
		file, want, msg string
		code            int
	}{
		{file: "tool", want: filepath.Join(bin2, "tool")},
		{file: "plain", want: filepath.Join(bin2, "plain")},
		{file: filepath.Join(bin2, "tool"), want: filepath.Join(bin2, "tool")},
		{file: "nosuch", code: 127, msg: `exec: "nosuch": executable file not found in $PATH`},
		{file: "/nope", code: 127, msg: `exec: "/nope": stat /nope: no such file or directory`},
		{file: filepath.Join(bin1, "plain"), code: 126, msg: `exec: "` + filepath.Join(bin1, "plain") + `": permission denied`},
		{file: filepath.Join(dir, "adir"), code: 126, msg: `exec: "` + filepath.Join(dir, "adir") + `": is a directory`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := lookPath(tt.file, path)
			if tt.code == 0 {
				if err != nil || got != tt.want {
					t.Fatalf("lookPath = %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("lookPath = %q, want an error", got)
			}
			if err.Error() != tt.msg || exitCodeOf(err) != tt.code {
				t.Errorf("error %q (code %d), want %q (code %d)", err, exitCodeOf(err), tt.msg, tt.code)
			}
		})
	}
}

func TestEnvHelpers(t *testing.T) {
	env := []string{"PATH=/a", "X=1=2", "PATH=/b"}
	if v, ok := envValue(env, "PATH"); !ok || v != "/b" {
		t.Errorf("PATH = %q, %v", v, ok)
	}
	if v, _ := envValue(env, "X"); v != "1=2" {
		t.Errorf("X = %q", v)
	}
	if got := withHome([]string{"HOME=/h"}, 0); len(got) != 1 {
		t.Errorf("withHome replaced an existing HOME: %v", got)
	}
}

func TestSysctlPath(t *testing.T) {
	if p, err := sysctlPath("net.ipv4.ip_forward"); err != nil || p != "/proc/sys/net/ipv4/ip_forward" {
		t.Errorf("got %q, %v", p, err)
	}
	if p, err := sysctlPath("net.ipv4.conf.eth0/1.rp_filter"); err != nil || p != "/proc/sys/net/ipv4/conf/eth0.1/rp_filter" {
		t.Errorf("got %q, %v", p, err)
	}
	if _, err := sysctlPath("kernel.//.//.//.etc.passwd"); err == nil {
		t.Error("a sysctl escaping /proc/sys was accepted")
	}
}

func TestCapList(t *testing.T) {
	caps := capList([]string{"CAP_CHOWN", "CAP_NET_BIND_SERVICE", "CAP_NOPE"}, 40)
	if len(caps) != 2 || caps[0].String() != "chown" || caps[1].String() != "net_bind_service" {
		t.Errorf("capList = %v", caps)
	}
	if got := capList([]string{"CAP_CHECKPOINT_RESTORE"}, 39); len(got) != 0 {
		t.Errorf("a capability above the kernel's last was kept: %v", got)
	}
}
