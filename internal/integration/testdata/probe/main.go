// Command probe runs inside test containers and reports what the kernel
// let it do, one word per check: "ok" or the errno's text.
//
//	probe keyctl           keyctl(KEYCTL_GET_KEYRING_ID, session keyring)
//	probe unshare-user     start a child in a new user namespace
//	probe open-write PATH  open PATH for writing
//	probe udp-echo PORT    echo UDP datagrams on PORT forever (prefixed "echo:")
package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"syscall"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: probe keyctl|unshare-user|open-write PATH")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "keyctl":
		const keyctlGetKeyringID, keySpecSessionKeyring = 0, -3
		sessionKeyring := keySpecSessionKeyring
		_, _, errno := syscall.RawSyscall(syscall.SYS_KEYCTL, keyctlGetKeyringID, uintptr(sessionKeyring), 0)
		if errno != 0 {
			err = errno
		}
	case "unshare-user":
		// unshare(CLONE_NEWUSER) needs a single-threaded caller, which a
		// Go program never is: start a child in a new user namespace
		// instead (clone with CLONE_NEWUSER, what the profile filters).
		cmd := exec.Command("/proc/self/exe", "true")
		cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWUSER}
		err = cmd.Run()
		var errno syscall.Errno
		if errors.As(err, &errno) {
			err = errno
		}
	case "true":
	case "udp-echo":
		udpEcho(os.Args[2])
		return
	case "open-write":
		var f *os.File
		if f, err = os.OpenFile(os.Args[2], os.O_WRONLY, 0); err == nil {
			f.Close()
		}
	default:
		fmt.Fprintln(os.Stderr, "unknown check", os.Args[1])
		os.Exit(2)
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("ok")
}

// udpEcho answers every datagram on port with "echo:" and its payload.
func udpEcho(port string) {
	pc, err := net.ListenPacket("udp", ":"+port)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println("listening")
	buf := make([]byte, 65535)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			os.Exit(1)
		}
		pc.WriteTo(append([]byte("echo:"), buf[:n]...), from)
	}
}
