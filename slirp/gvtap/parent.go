package gvtap

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/rootless-containers/rootlesskit/v3/pkg/api"
	"github.com/rootless-containers/rootlesskit/v3/pkg/messages"
	"github.com/rootless-containers/rootlesskit/v3/pkg/network"
	"golang.org/x/sys/unix"
)

// ParentDriver is the host half: it starts the embedded helper, which
// makes the tap device in the namespace and runs the network stack, and
// stops it in the cleanup.
type ParentDriver struct {
	helper []byte
	log    io.Writer
	mtu    int
	cidr   string
	ifname string
	info   *api.NetworkDriverInfo
}

// NewParentDriver returns the host half running the helper program
// helper (the embedded binary's bytes).
func NewParentDriver(helper []byte, log io.Writer, mtu int, cidr, ifname string) network.ParentDriver {
	return &ParentDriver{helper: helper, log: log, mtu: mtu, cidr: cidr, ifname: ifname}
}

// Info is what the helper reported once the network was up.
func (d *ParentDriver) Info(context.Context) (*api.NetworkDriverInfo, error) {
	if d.info == nil {
		return &api.NetworkDriverInfo{Driver: DriverName}, nil
	}
	return d.info, nil
}

// MTU is the tap device's MTU.
func (d *ParentDriver) MTU() int { return d.mtu }

// ConfigureNetwork starts the helper and waits for its ready line.
func (d *ParentDriver) ConfigureNetwork(childPID int, stateDir, detachedNetNSPath string) (*messages.ParentInitNetworkDriverCompleted, func() error, error) {
	cfg, err := json.Marshal(Config{MTU: d.mtu, CIDR: d.cidr, IfName: d.ifname, ChildPID: childPID, StateDir: stateDir, DetachedNetNS: detachedNetNSPath})
	if err != nil {
		return nil, nil, err
	}
	exe, err := sealed(d.helper)
	if err != nil {
		return nil, nil, fmt.Errorf("gvisor-tap-vsock helper: %w", err)
	}
	defer exe.Close()
	stdin, toHelper, err := os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	defer stdin.Close()
	cmd := exec.Command(fmt.Sprintf("/proc/self/fd/%d", exe.Fd()), string(cfg))
	cmd.Args[0] = "skiff-gvtap"
	cmd.Stdin, cmd.Stderr = stdin, d.log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		toHelper.Close()
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		toHelper.Close()
		return nil, nil, fmt.Errorf("starting the gvisor-tap-vsock helper: %w", err)
	}
	cleanup := func() error {
		toHelper.Close() // the helper tears down and exits at EOF
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			return err
		case <-time.After(2 * time.Second):
			cmd.Process.Kill()
			return <-done
		}
	}
	var ready Ready
	line, err := bufio.NewReader(out).ReadBytes('\n')
	if err == nil {
		err = json.Unmarshal(line, &ready)
	}
	switch {
	case err != nil:
		cleanup()
		return nil, nil, fmt.Errorf("gvisor-tap-vsock helper: no ready message: %w", err)
	case ready.Err != "":
		cleanup()
		return nil, nil, errors.New("gvisor-tap-vsock: " + ready.Err)
	case ready.Netmsg == nil:
		cleanup()
		return nil, nil, errors.New("gvisor-tap-vsock helper: no network in its ready message")
	}
	d.info = ready.Info
	return ready.Netmsg, cleanup, nil
}

// sealed is a read-only memfd holding bin, to execute.
func sealed(bin []byte) (*os.File, error) {
	fd, err := unix.MemfdCreate("skiff-gvtap", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), "skiff-gvtap")
	if _, err := f.Write(bin); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_ADD_SEALS, unix.F_SEAL_SEAL|unix.F_SEAL_SHRINK|unix.F_SEAL_GROW|unix.F_SEAL_WRITE); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
