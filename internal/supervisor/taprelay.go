package supervisor

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// maxFrame bounds a frame: the tap's MTU is at most 65520, plus its
// Ethernet header, and the length prefix is 16 bits.
const maxFrame = 1<<16 - 1

// relayTap carries frames between the egress tap device in the networks'
// namespace and the socket of gvisor-tap-vsock's stack in the RootlessKit
// parent, each frame as a 2-byte little-endian length and its bytes, as
// RootlessKit's child half would. It returns when either side closes.
func relayTap(tapFD, connFD int, log *logger) {
	if err := unix.SetNonblock(tapFD, true); err != nil {
		log.errorf("egress relay: %v", err)
		return
	}
	tap := os.NewFile(uintptr(tapFD), "tap")
	f := os.NewFile(uintptr(connFD), "gvisor-tap-vsock")
	conn, err := net.FileConn(f)
	f.Close()
	if err != nil {
		log.errorf("egress relay: %v", err)
		return
	}
	done := make(chan error, 2)
	go func() { done <- tapToSocket(tap, conn) }()
	go func() { done <- socketToTap(conn, tap) }()
	if err := <-done; err != nil && !errors.Is(err, io.EOF) {
		log.errorf("egress relay stopped, containers have no egress: %v", err)
	}
}

func tapToSocket(tap io.Reader, conn io.Writer) error {
	buf := make([]byte, 2+maxFrame)
	for {
		n, err := tap.Read(buf[2:])
		if err != nil {
			return err
		}
		binary.LittleEndian.PutUint16(buf, uint16(n))
		if _, err := conn.Write(buf[:2+n]); err != nil {
			return err
		}
	}
}

func socketToTap(conn io.Reader, tap io.Writer) error {
	buf := make([]byte, maxFrame)
	for {
		if _, err := io.ReadFull(conn, buf[:2]); err != nil {
			return err
		}
		n := int(binary.LittleEndian.Uint16(buf))
		if _, err := io.ReadFull(conn, buf[:n]); err != nil {
			return err
		}
		if _, err := tap.Write(buf[:n]); err != nil {
			return err
		}
	}
}
