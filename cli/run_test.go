package cli

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
)

func TestCommandLineErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"unknown command", []string{"foo"}, 1, "skiff: 'foo' is not a skiff command.\nSee 'skiff --help'.\n"},
		{"unknown command after flags", []string{"-D", "-H", "unix:///x.sock", "frobnicate"}, 1, "skiff: 'frobnicate' is not a skiff command.\n"},
		{"unknown subcommand", []string{"system", "foo"}, 1, "skiff: 'system foo' is not a skiff command.\n"},
		{"extra argument", []string{"version", "extra"}, 1, `"skiff version" accepts no arguments.`},
		{"unknown flag", []string{"version", "--bogus"}, 125, "skiff version: unknown flag --bogus.\nSee 'skiff version --help'.\n"},
		{"bad log level", []string{"-l", "loud", "version"}, 125, "--log-level"},
		{"context", []string{"--context", "remote", "version"}, 1, "contexts are not supported yet\n"},
		{"bad completion shell", []string{"completion", "tcsh"}, 125, "tcsh"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, map[string]string{"SKIFF_NO_AUTOSTART": "1"}, "", tt.args...)
			if r.code != tt.code {
				t.Errorf("exit code %d, want %d (stderr %q)", r.code, tt.code, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr %q does not contain %q", r.stderr, tt.stderr)
			}
		})
	}
}

func TestHelpAndVersionFlag(t *testing.T) {
	for _, args := range [][]string{nil, {"--help"}, {"version", "--help"}} {
		r := runCLI(t, nil, "", args...)
		if r.code != 0 || !strings.Contains(r.stdout, "Usage: skiff") {
			t.Errorf("%q: code %d stdout %q stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
	r := runCLI(t, nil, "", "-v")
	if r.code != 0 || r.stdout != "skiff version 1.2.3-test, build abc1234\n" {
		t.Errorf("-v: code %d stdout %q", r.code, r.stdout)
	}
}

func TestRolesPassthrough(t *testing.T) {
	tests := []struct {
		args     []string
		role     string
		wantArgs []string
		code     int
	}{
		{[]string{"daemon"}, "daemon", []string{}, 0},
		{[]string{"daemon", "--help", "-H", "x", "--debug", "extra"}, "daemon", []string{"--help", "-H", "x", "--debug", "extra"}, 0},
		{[]string{"-D", "check", "--json"}, "check", []string{"--json"}, 3},
	}
	for _, tt := range tests {
		var gotRole string
		var gotArgs []string
		role := func(name string) func([]string) int {
			return func(args []string) int {
				gotRole, gotArgs = name, args
				return tt.code
			}
		}
		var out, errb bytes.Buffer
		a := newApp(Streams{Stdout: &out, Stderr: &errb}, Build{}, Roles{Daemon: role("daemon"), Check: role("check")}, mapEnv(nil))
		code := a.run(context.Background(), tt.args)
		if code != tt.code || gotRole != tt.role || !reflect.DeepEqual(gotArgs, tt.wantArgs) {
			t.Errorf("%q: code %d role %q args %q (stderr %q)", tt.args, code, gotRole, gotArgs, errb.String())
		}
		if errb.Len() != 0 {
			t.Errorf("%q: unexpected stderr %q", tt.args, errb.String())
		}
	}
}

func TestArgumentCountErrors(t *testing.T) {
	tests := []struct {
		args   []string
		stderr string
	}{
		{[]string{"pull"}, "\"skiff pull\" requires exactly 1 argument.\nSee 'skiff pull --help'.\n"},
		{[]string{"pull", "a", "b"}, "\"skiff pull\" requires exactly 1 argument.\n"},
		{[]string{"image", "rm"}, "\"skiff image rm\" requires at least 1 argument.\n"},
		{[]string{"images", "a", "b"}, "\"skiff images\" requires at most 1 argument.\n"},
		{[]string{"tag", "a"}, "\"skiff tag\" requires exactly 2 arguments.\n"},
		{[]string{"import"}, "\"skiff import\" requires at least 1 argument.\n"},
		{[]string{"login", "a", "b"}, "\"skiff login\" requires at most 1 argument.\n"},
	}
	for _, tt := range tests {
		r := runCLI(t, map[string]string{"SKIFF_NO_AUTOSTART": "1"}, "", tt.args...)
		if r.code != 1 || !strings.HasPrefix(r.stderr, tt.stderr) {
			t.Errorf("%q: exit %d stderr %q, want %q", tt.args, r.code, r.stderr, tt.stderr)
		}
	}
}
