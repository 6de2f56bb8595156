package integration

import (
	"fmt"
	"strings"
	"testing"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// TestContainerDockerPyTTY: docker-py's run with tty=True gives PID 1 a
// terminal as stdin and stdout (and tty=False does not), with the pty's
// \r\n line ends.
func TestContainerDockerPyTTY(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	out := d.MustPython(fmt.Sprintf(`
script = 'if [ -t 0 ] && [ -t 1 ]; then echo is-a-tty; else echo no-tty; fi; tty; true'
print(repr(client.containers.run(%q, ["sh", "-c", script], tty=True, remove=True).decode()))
print(repr(client.containers.run(%q, ["sh", "-c", script], remove=True).decode()))
`, bb, bb))
	got := lines(out)
	if len(got) != 2 {
		t.Fatalf("docker-py printed %q", out)
	}
	// The terminal has a name in the container: dockerd's is /dev/pts/0
	// (runc opens it in the container's devpts); skiff's pty comes from
	// the engine's devpts and is bound at /dev/console, as runc binds it.
	if !strings.HasPrefix(got[0], `'is-a-tty\r\n/dev/`) {
		t.Errorf("tty=True printed %s, want is-a-tty with \\r\\n and a /dev/ name from tty", got[0])
	}
	if got[1] != `'no-tty\nnot a tty\n'` {
		t.Errorf("tty=False printed %s, want no-tty and not a tty", got[1])
	}
}
