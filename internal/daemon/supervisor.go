package daemon

import (
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/skiff-engine/skiff/rootless"
)

// supervise holds the namespaces and the API sockets, runs the engine as a
// child process and restarts it if it crashes: the engine may die or be
// upgraded without the socket (or socket activation) going away.
func supervise(s *settings, args []string) int {
	if !rootless.InUserNS() { // rootful: the rootless host side already claimed it
		lock, err := claimHost(s)
		if err != nil {
			s.log.Error().Err(err).Msg("")
			return 1
		}
		defer lock.Unlock()
	}
	ls, err := openListeners(s.hosts)
	if err != nil {
		s.log.Error().Err(err).Msg("")
		return 1
	}
	defer ls.remove()
	defer ls.close()

	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	defer signal.Stop(sigs)

	stopping := false
	for attempt := 0; ; attempt++ {
		started := time.Now()
		code, ok := runEngine(s, args, ls, sigs, &stopping)
		if !ok {
			return 1
		}
		if code == 0 || stopping {
			return code
		}
		// A crash right after start is likely to repeat: back off, and give
		// up after a run of fast failures instead of spinning forever.
		if time.Since(started) > 30*time.Second {
			attempt = 0
		}
		if attempt >= len(restartBackoff) {
			s.log.Error().Int("exit_code", code).Msg("the engine keeps failing; giving up")
			return code
		}
		delay := restartBackoff[attempt]
		s.log.Warn().Int("exit_code", code).Dur("restart_in", delay).Msg("the engine exited unexpectedly; restarting it")
		select {
		case <-time.After(delay):
		case sig := <-sigs:
			if sig != syscall.SIGHUP {
				return 0
			}
		}
	}
}

// runEngine starts one engine process with the listener fds and waits for
// it, forwarding stop signals. ok is false when it could not be started.
func runEngine(s *settings, args []string, ls *listeners, sigs <-chan os.Signal, stopping *bool) (code int, ok bool) {
	cmd := exec.Command("/proc/self/exe", append([]string{"engine"}, args...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, os.Stdout, os.Stderr
	cmd.ExtraFiles = ls.files
	cmd.Env = append(os.Environ(), envEngineFDs+"="+strconv.Itoa(len(ls.files)))
	// The engine must not outlive its supervisor (which holds the namespaces).
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		s.log.Error().Err(err).Msg("starting the engine")
		return 1, false
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case sig := <-sigs:
			if sig != syscall.SIGHUP {
				*stopping = true
			}
			cmd.Process.Signal(sig)
		case err := <-done:
			if err == nil {
				return 0, true
			}
			if ee, isExit := err.(*exec.ExitError); isExit {
				if ws, isWS := ee.Sys().(syscall.WaitStatus); isWS && ws.Signaled() {
					return 128 + int(ws.Signal()), true
				}
				return ee.ExitCode(), true
			}
			s.log.Error().Err(err).Msg("waiting for the engine")
			return 1, true
		}
	}
}
