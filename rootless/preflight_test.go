package rootless

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
)

func TestParseIDMap(t *testing.T) {
	tests := []struct {
		in      string
		want    []IDMap
		wantErr bool
	}{
		{in: "         0       1000          1\n         1     100000      65536\n", want: []IDMap{{0, 1000, 1}, {1, 100000, 65536}}},
		{in: "0 0 4294967295", want: []IDMap{{0, 0, 4294967295}}},
		{in: "", want: nil},
		{in: "0 1000", wantErr: true},
		{in: "a b c", wantErr: true},
	}
	for _, tc := range tests {
		got, err := parseIDMap(tc.in)
		if (err != nil) != tc.wantErr {
			t.Fatalf("parseIDMap(%q) error = %v, wantErr %v", tc.in, err, tc.wantErr)
		}
		if !tc.wantErr && !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseIDMap(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	if s := FormatIDMap([]IDMap{{0, 1000, 1}, {1, 100000, 65536}}); s != "0:1000:1/1:100000:65536" {
		t.Errorf("FormatIDMap = %q", s)
	}
}

func TestCheckUserNamespaces(t *testing.T) {
	tests := []struct {
		name    string
		sysctls map[string]string
		wantErr string
	}{
		{"enabled", map[string]string{"user/max_user_namespaces": "15000"}, ""},
		{"no debian knob", map[string]string{"user/max_user_namespaces": "15000", "kernel/unprivileged_userns_clone": "1"}, ""},
		{"max zero", map[string]string{"user/max_user_namespaces": "0"}, "user.max_user_namespaces"},
		{"debian knob off", map[string]string{"user/max_user_namespaces": "15000", "kernel/unprivileged_userns_clone": "0"}, "kernel.unprivileged_userns_clone"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fakeProcSys(t, tc.sysctls)
			err := CheckUserNamespaces()
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error = %v, want one naming %s", err, tc.wantErr)
			}
		})
	}
}

func TestDiagnoseStartAppArmor(t *testing.T) {
	fakeProcSys(t, map[string]string{"user/max_user_namespaces": "15000", "kernel/apparmor_restrict_unprivileged_userns": "1"})
	err := diagnoseStart(fmt.Errorf("fork/exec: %w", syscall.EPERM))
	if err == nil || !strings.Contains(err.Error(), "apparmor_restrict_unprivileged_userns") || !errors.Is(err, syscall.EPERM) {
		t.Fatalf("diagnoseStart = %v, want the AppArmor explanation wrapping EPERM", err)
	}
	if err := diagnoseStart(nil); err != nil {
		t.Fatalf("diagnoseStart(nil) = %v", err)
	}
}

func fakeProcSys(t *testing.T, sysctls map[string]string) {
	dir := t.TempDir()
	for name, v := range sysctls {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(v+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old := procSys
	procSys = dir
	t.Cleanup(func() { procSys = old })
}
