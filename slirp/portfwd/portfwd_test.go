package portfwd

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/netip"
	"strings"
	"syscall"
	"testing"
	"time"
)

// echoTCP serves an echo on ln and returns its address.
func echoTCP(t *testing.T, ln net.Listener) netip.AddrPort {
	t.Helper()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(c, c); c.Close() }()
		}
	}()
	return ln.Addr().(*net.TCPAddr).AddrPort()
}

func echoUDP(t *testing.T, pc net.PacketConn) netip.AddrPort {
	t.Helper()
	go func() {
		buf := make([]byte, 65535)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			pc.WriteTo(append([]byte("echo:"), buf[:n]...), from)
		}
	}()
	return pc.LocalAddr().(*net.UDPAddr).AddrPort()
}

var loopback = netip.MustParseAddr("127.0.0.1")

func roundTripTCP(t *testing.T, port int, msg string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", itoa(port)), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, msg); err != nil {
		t.Fatal(err)
	}
	// The half-close must reach the far end: the echo ends only then.
	c.(*net.TCPConn).CloseWrite()
	got, err := io.ReadAll(c)
	if err != nil || string(got) != msg {
		t.Fatalf("echo: got %d bytes (%v), want %d", len(got), err, len(msg))
	}
}

func roundTripUDP(t *testing.T, port int) {
	t.Helper()
	c, err := net.Dial("udp", net.JoinHostPort("127.0.0.1", itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	for _, m := range []string{"one", "two"} {
		if _, err := c.Write([]byte(m)); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 100)
		n, err := c.Read(buf)
		if err != nil || string(buf[:n]) != "echo:"+m {
			t.Fatalf("udp echo: %q %v", buf[:n], err)
		}
	}
}

func itoa(i int) string {
	return netip.AddrPortFrom(netip.IPv4Unspecified(), uint16(i)).String()[len("0.0.0.0:"):]
}

func TestTCPForwardsAndCloses(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	f, _ := New("")
	p, err := f.Publish(Spec{Proto: "tcp", HostIP: loopback, Target: echoTCP(t, ln)})
	if err != nil {
		t.Fatal(err)
	}
	if p.HostPort() == 0 {
		t.Fatal("no port chosen")
	}
	roundTripTCP(t, p.HostPort(), strings.Repeat("0123456789", 100000))

	// An open connection ends when the port is closed (container stop).
	c, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", itoa(p.HostPort())))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "x")
	bufio.NewReader(c).ReadByte()
	p.Close()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatal("connection still open after Close")
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("connection hangs after Close")
	}
	// And the host port is free again.
	ln2, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", itoa(p.HostPort())))
	if err != nil {
		t.Fatalf("port not released: %v", err)
	}
	ln2.Close()
}

func TestTCPUnreachableTargetResets(t *testing.T) {
	f, _ := New("")
	// Nobody listens on port 1: the client must see the connection end, not hang.
	p, err := f.Publish(Spec{Proto: "tcp", HostIP: loopback, Target: netip.MustParseAddrPort("127.0.0.1:1")})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", itoa(p.HostPort())))
	if errors.Is(err, syscall.ECONNRESET) {
		return // the reset can come before connect returns on loopback
	}
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(5 * time.Second))
	_, err = c.Read(make([]byte, 1))
	if ne, ok := err.(net.Error); err == nil || ok && ne.Timeout() {
		t.Fatalf("want reset or EOF, got %v", err)
	}
}

func TestUDPForwards(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	f, _ := New("")
	p, err := f.Publish(Spec{Proto: "udp", HostIP: loopback, Target: echoUDP(t, pc)})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	roundTripUDP(t, p.HostPort())
}

func TestBindConflict(t *testing.T) {
	for _, proto := range []string{"tcp", "udp"} {
		var port int
		if proto == "tcp" {
			ln, err := net.Listen("tcp4", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			port = ln.Addr().(*net.TCPAddr).Port
		} else {
			pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer pc.Close()
			port = pc.LocalAddr().(*net.UDPAddr).Port
		}
		f, _ := New("")
		_, err := f.Publish(Spec{Proto: proto, HostIP: loopback, HostPort: port, Target: netip.MustParseAddrPort("127.0.0.1:1")})
		var be *BindError
		if !errors.As(err, &be) || !errors.Is(err, syscall.EADDRINUSE) {
			t.Fatalf("%s: want a BindError with EADDRINUSE, got %v", proto, err)
		}
		want := "failed to bind host port for 127.0.0.1:" + itoa(port) + ":127.0.0.1:1/" + proto + ": address already in use"
		if err.Error() != want {
			t.Errorf("message %q, want %q", err.Error(), want)
		}
	}
}
