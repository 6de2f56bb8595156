package pidfd

import (
	"os/exec"
	"testing"
)

func TestReapGetsTheExitStatus(t *testing.T) {
	cmd := exec.Command("sh", "-c", "exit 7")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	f, err := Open(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ws, err := Reap(f, cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if !ws.Exited() || ws.ExitStatus() != 7 {
		t.Fatalf("status %v, want exit 7", ws)
	}
}

func TestAwaitLeavesTheChildToWait(t *testing.T) {
	cmd := exec.Command("sh", "-c", "sleep 0.1; exit 3")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	f, err := Open(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := Await(f); err != nil {
		t.Fatal(err)
	}
	// Not reaped by Await: Wait still gets the status.
	if err := cmd.Wait(); cmd.ProcessState.ExitCode() != 3 {
		t.Fatalf("Wait after Await: %v, code %d, want 3", err, cmd.ProcessState.ExitCode())
	}
}

func TestExitCodeOfASignal(t *testing.T) {
	cmd := exec.Command("sh", "-c", "kill -9 $$")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	f, err := Open(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ws, err := Reap(f, cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if got := ExitCode(ws); got != 137 {
		t.Fatalf("ExitCode = %d, want 137 (128 + SIGKILL)", got)
	}
}
