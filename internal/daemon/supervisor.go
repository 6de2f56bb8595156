package daemon

import (
	"os"
	"os/exec"
	"os/signal"
	"slices"
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
	exits, err := startReaper()
	if err != nil {
		s.log.Error().Err(err).Msg("becoming a subreaper")
		return 1
	}

	stopping := false
	var pace enginePacer
	for {
		code, served, ok := runEngine(s, args, ls, sigs, exits, &stopping)
		os.Setenv(envEngineRestarted, "1") // the engines after the first
		if !ok {
			return 1
		}
		if code == 0 || stopping {
			return code
		}
		delay, giveUp := pace.next(time.Now(), served)
		if giveUp {
			s.log.Error().Int("exit_code", code).Msg("the engine keeps failing; giving up")
			return code
		}
		s.log.Warn().Int("exit_code", code).Bool("was_serving", served).Dur("restart_in", delay).Msg("the engine exited unexpectedly; restarting it")
		if delay == 0 {
			continue
		}
		select {
		case <-time.After(delay):
		case sig := <-sigs:
			if sig != syscall.SIGHUP {
				return 0
			}
		}
	}
}

// envEngineRestarted tells an engine that it is not the daemon's first.
const envEngineRestarted = "_SKIFF_ENGINE_RESTARTED"

// runEngine starts one engine process with the listener fds and waits for
// it, forwarding stop signals. ok is false when it could not be started;
// served says whether it got as far as serving the API.
// The reaper, not cmd.Wait, collects the engine's exit: it reaps every child.
func runEngine(s *settings, args []string, ls *listeners, sigs <-chan os.Signal, exits <-chan childExit, stopping *bool) (code int, served, ok bool) {
	ready, err := newReadyPipe()
	if err != nil {
		s.log.Error().Err(err).Msg("starting the engine")
		return 1, false, false
	}
	defer ready.close()
	cmd := exec.Command("/proc/self/exe", append([]string{"engine"}, args...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, os.Stdout, os.Stderr
	cmd.ExtraFiles = append(slices.Clone(ls.files), ready.w)
	cmd.Env = append(os.Environ(), envEngineFDs+"="+strconv.Itoa(len(ls.files)), envEngineReadyFD+"="+strconv.Itoa(3+len(ls.files)))
	// The engine must not outlive its supervisor (which holds the namespaces).
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		s.log.Error().Err(err).Msg("starting the engine")
		return 1, false, false
	}
	ready.w.Close() // only the engine's copy remains
	pid := cmd.Process.Pid
	for {
		select {
		case sig := <-sigs:
			if sig != syscall.SIGHUP {
				*stopping = true
			}
			cmd.Process.Signal(sig)
		case e := <-exits:
			if e.pid != pid {
				continue // an orphaned shim or helper, reaped
			}
			if e.status.Signaled() {
				return 128 + int(e.status.Signal()), ready.served(), true
			}
			return e.status.ExitStatus(), ready.served(), true
		}
	}
}
