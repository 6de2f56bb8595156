package harness

import (
	"os/exec"
	"testing"
	"time"
)

func TestPTYExpectSendResizeWait(t *testing.T) {
	cmd := exec.Command("sh", "-c", `stty size; read x; stty size; echo "got $x"; exit 3`)
	p := StartPTYCommand(t, cmd)
	p.Expect(t, `24 80`, 10*time.Second)
	p.Resize(30, 100)
	p.Send("hello\r")
	p.Expect(t, `30 100`, 10*time.Second)
	p.Expect(t, `got hello`, 10*time.Second)
	if code := p.Wait(10 * time.Second); code != 3 {
		t.Fatalf("exit code %d, want 3", code)
	}
}
