package runtime_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/internal/runtime/shim"
)

// The test binary plays the shim (the real one) and init (a fake that
// speaks the sync protocol but sets nothing up), chosen by _SKIFF_ROLE as
// main.go does.
func TestMain(m *testing.M) {
	switch os.Getenv("_SKIFF_ROLE") {
	case shim.Role:
		os.Exit(shim.Main())
	case "init":
		os.Exit(fakeInit())
	}
	if dir := os.Getenv(testEngineEnv); dir != "" {
		os.Exit(testEngine(dir))
	}
	os.Exit(m.Run())
}

// failSetup is an annotation that makes the fake init fail before ready;
// slowSetup one that makes it take that long (a time.Duration) to be ready.
const (
	failSetup = "test.fail-setup"
	slowSetup = "test.slow-setup"
)

type syncMsg struct {
	Type     string `json:"type"`
	Message  string `json:"message,omitempty"`
	ExitCode int    `json:"exitCode,omitempty"`
}

func fakeInit() int {
	unix.CloseOnExec(3)
	send := func(m syncMsg) {
		b, _ := json.Marshal(m)
		unix.Write(3, b)
	}
	fail := func(msg string, code int) int {
		send(syncMsg{Type: "error", Message: msg, ExitCode: code})
		return code
	}
	b, err := os.ReadFile(filepath.Join(os.Getenv("_SKIFF_BUNDLE"), "config.json"))
	if err != nil {
		return fail(err.Error(), 125)
	}
	var spec specs.Spec
	if err := json.Unmarshal(b, &spec); err != nil {
		return fail(err.Error(), 125)
	}
	if msg := spec.Annotations[failSetup]; msg != "" {
		return fail(msg, 125)
	}
	if d, err := time.ParseDuration(spec.Annotations[slowSetup]); err == nil {
		time.Sleep(d)
	}
	send(syncMsg{Type: "ready"})
	buf := make([]byte, 4096)
	n, err := unix.Read(3, buf)
	if err != nil || n == 0 {
		return 125
	}
	var m syncMsg
	if json.Unmarshal(buf[:n], &m) != nil || m.Type != "start" {
		return fail(fmt.Sprintf("expected start, got %q", buf[:n]), 125)
	}
	os.Clearenv()
	for _, kv := range spec.Process.Env {
		if k, v, ok := cut(kv); ok {
			os.Setenv(k, v)
		}
	}
	path, err := exec.LookPath(spec.Process.Args[0])
	if err != nil {
		code := 126
		if errors.Is(err, exec.ErrNotFound) {
			code = 127
		}
		return fail(err.Error(), code)
	}
	err = syscall.Exec(path, spec.Process.Args, spec.Process.Env)
	return fail(err.Error(), 126)
}

func cut(kv string) (string, string, bool) {
	for i := 0; i < len(kv); i++ {
		if kv[i] == '=' {
			return kv[:i], kv[i+1:], true
		}
	}
	return "", "", false
}
