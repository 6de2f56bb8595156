package selfexe

import (
	"os"
	"os/exec"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/rootless/memfd"
)

func TestSealed(t *testing.T) {
	f, err := Sealed()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	exe, err := os.Stat("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() != exe.Size() {
		t.Fatalf("copy has %d bytes, binary %d", st.Size(), exe.Size())
	}
	got, err := unix.FcntlInt(f.Fd(), unix.F_GET_SEALS, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got&memfd.Seals != memfd.Seals {
		t.Fatalf("seals %#x, want %#x", got, memfd.Seals)
	}
	if _, err := f.WriteAt([]byte("x"), 0); err == nil {
		t.Fatal("writing the sealed copy succeeded")
	}
	// A writable reopen through /proc (what a container would try) can
	// open it but not change it.
	if w, err := os.OpenFile("/proc/self/fd/"+strconv.Itoa(int(f.Fd())), os.O_WRONLY, 0); err == nil {
		_, werr := w.Write([]byte("x"))
		w.Close()
		if werr == nil {
			t.Fatal("writing the sealed copy through /proc succeeded")
		}
	}
	if err := f.Truncate(0); err == nil {
		t.Fatal("truncating the sealed copy succeeded")
	}
}

// The copy must be executable: it is this test binary, so run it with a
// flag that only lists tests.
func TestSealedExecutes(t *testing.T) {
	f, err := Sealed()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command("/proc/self/fd/3", "-test.list", "TestSealedExecutes")
	cmd.ExtraFiles = []*os.File{f}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("executing the copy: %v: %s", err, out)
	}
	if string(out) != "TestSealedExecutes\n" {
		t.Fatalf("unexpected output %q", out)
	}
}
