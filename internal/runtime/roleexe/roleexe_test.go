package roleexe

import (
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// The roles' binary is worth carrying only while it stays small: an
// import of the engine's libraries would bring back their package
// start-up and data into every shim and init.
func TestRolesBinaryStaysSmall(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "./cmd/skiff-roles").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		for _, heavy := range []string{
			"net/http", "github.com/google/gopacket", "go.podman.io/", "github.com/moby/moby/",
			"google.golang.org/", "github.com/rs/zerolog", "github.com/skiff-engine/skiff/internal/daemon",
		} {
			if strings.HasPrefix(pkg, heavy) {
				t.Errorf("the roles' binary links %s", pkg)
			}
		}
	}
}

// Sealed is nil without the binary, else a sealed ELF memfd clear of the
// low fds a child is started with.
func TestSealed(t *testing.T) {
	f, err := Sealed()
	if err != nil {
		t.Fatal(err)
	}
	if !Embedded() {
		if f != nil {
			t.Fatal("a memfd without an embedded binary")
		}
		return
	}
	defer f.Close()
	if f.Fd() < highFd {
		t.Fatalf("memfd at fd %d", f.Fd())
	}
	seals, err := unix.FcntlInt(f.Fd(), unix.F_GET_SEALS, 0)
	if err != nil || seals&unix.F_SEAL_WRITE == 0 {
		t.Fatalf("seals %#x %v", seals, err)
	}
	magic := make([]byte, 4)
	if _, err := f.ReadAt(magic, 0); err != nil || string(magic) != "\x7fELF" {
		t.Fatalf("not an ELF binary: %q %v", magic, err)
	}
}
