package cli

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

func TestCompletionScripts(t *testing.T) {
	for _, sh := range []struct {
		name  string
		wants []string
	}{
		{"bash", []string{"complete -o default -F _skiff skiff", "'/system') words='info dial-stdio'", "'/completion') words='bash zsh fish'", "--log-level"}},
		{"zsh", []string{"#compdef skiff", "compdef _skiff skiff", "'dial-stdio:Proxy the stdio stream"}},
		{"fish", []string{"complete -c skiff -n '__fish_use_subcommand' -a 'version'", "-l host -s H -r -F", "-l log-level -s l -x -a 'debug info warn error fatal'"}},
	} {
		t.Run(sh.name, func(t *testing.T) {
			r := runCLI(t, nil, "", "completion", sh.name)
			if r.code != 0 {
				t.Fatalf("exit %d stderr %q", r.code, r.stderr)
			}
			for _, w := range sh.wants {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("script lacks %q:\n%s", w, r.stdout)
				}
			}
			// The script must at least parse in its shell, where installed.
			if path, err := exec.LookPath(sh.name); err == nil {
				cmd := exec.Command(path, "-n")
				cmd.Stdin = strings.NewReader(r.stdout)
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("%s -n: %v\n%s", sh.name, err, out)
				}
			}
		})
	}
}

// TestBashCompletionCompletes runs the generated function the way bash does
// for a few command lines.
func TestBashCompletionCompletes(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	script := runCLI(t, nil, "", "completion", "bash").stdout
	tests := []struct {
		line string // the words, the last one being completed
		want string
	}{
		{"skiff ver", "version"},
		{"skiff -D sys", "system"},
		{"skiff system d", "dial-stdio"},
		{"skiff system info --f", "--format"},
		{"skiff --log-level w", "warn"},
		{"skiff completion z", "zsh"},
	}
	for _, tt := range tests {
		words := strings.Fields(tt.line)
		if strings.HasSuffix(tt.line, " ") {
			words = append(words, "")
		}
		prog := script + "\nCOMP_WORDS=(" + strings.Join(quoteAll(words), " ") + ")\nCOMP_CWORD=" + strconv.Itoa(len(words)-1) + "\n_skiff\necho \"${COMPREPLY[*]}\"\n"
		out, err := exec.Command(bash, "-c", prog).CombinedOutput()
		if err != nil {
			t.Fatalf("%q: %v\n%s", tt.line, err, out)
		}
		if got := strings.TrimSpace(string(out)); got != tt.want {
			t.Errorf("%q: completed to %q, want %q", tt.line, got, tt.want)
		}
	}
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = shellQuote(s)
	}
	return out
}
