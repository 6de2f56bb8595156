package portfwd

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// TestForwardIntoNamespace publishes a port whose target listens only in
// another network namespace, as a container's address lives in the
// networks' namespace. It re-runs itself in a user and network namespace
// of its own, so it needs no root.
func TestForwardIntoNamespace(t *testing.T) {
	if os.Getenv("PORTFWD_IN_NS") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestForwardIntoNamespace$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), "PORTFWD_IN_NS=1")
		cmd.SysProcAttr = &syscall.SysProcAttr{
			Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNET,
			UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
			GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("in a new namespace: %v\n%s", err, out)
		}
		if !strings.Contains(string(out), "--- PASS: TestForwardIntoNamespace") {
			t.Fatalf("the test did not run in the new namespace:\n%s", out)
		}
		return
	}
	if err := loUp(); err != nil {
		t.Fatal(err)
	}
	type inner struct {
		nsPath string
		tcpLn  net.Listener
		udpPc  net.PacketConn
		err    error
	}
	ch := make(chan inner, 1)
	go func() {
		// This thread stays in the other namespace for good.
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			ch <- inner{err: err}
			return
		}
		if err := loUp(); err != nil {
			ch <- inner{err: err}
			return
		}
		ln, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			ch <- inner{err: err}
			return
		}
		pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			ch <- inner{err: err}
			return
		}
		ch <- inner{nsPath: fmt.Sprintf("/proc/%d/task/%d/ns/net", os.Getpid(), unix.Gettid()), tcpLn: ln, udpPc: pc}
		select {}
	}()
	in := <-ch
	if in.err != nil {
		t.Fatal(in.err)
	}
	tcpTarget, udpTarget := echoTCP(t, in.tcpLn), echoUDP(t, in.udpPc)
	if c, err := net.Dial("tcp", tcpTarget.String()); err == nil {
		c.Close()
		t.Fatal("the target is reachable from the engine's namespace: the test proves nothing")
	}
	f, err := New(in.nsPath)
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.Publish(Spec{Proto: "tcp", HostIP: loopback, Target: tcpTarget})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	roundTripTCP(t, p.HostPort(), "hello through the namespace")
	u, err := f.Publish(Spec{Proto: "udp", HostIP: loopback, Target: udpTarget})
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	roundTripUDP(t, u.HostPort())
}

func loUp() error {
	lo, err := netlink.LinkByName("lo")
	if err != nil {
		return err
	}
	return netlink.LinkSetUp(lo)
}
