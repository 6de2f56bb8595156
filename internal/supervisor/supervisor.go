// Package supervisor is the daemon's long-lived process: inside the
// namespaces (rootless) or on the host (rootful) it holds the API
// sockets, runs the engine as a child and restarts it when it dies, and
// reaps the container shims that outlive an engine (a child subreaper).
//
// `skiff daemon` does the start-up work that needs the whole binary
// (flags, daemon.json, checks, the lock, the sockets) and then execs this
// role from the small roles' binary (Exec), so the process that stays for
// the daemon's whole life does not keep the whole binary's start-up heap
// and data: about 1.5 MiB instead of about 7.
package supervisor

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Role is the value of _SKIFF_ROLE that selects this role.
const Role = "supervisor"

// envConfig carries Config from Exec to Main.
const envConfig = "_SKIFF_SUPERVISOR"

// Environment the engine gets from its supervisor.
const (
	// EnvEngineListenFDs is how many API listener fds (from fd 3) it got.
	EnvEngineListenFDs = "_SKIFF_ENGINE_LISTEN_FDS"
	// EnvEngineRestarted tells an engine that it is not the daemon's first.
	EnvEngineRestarted = "_SKIFF_ENGINE_RESTARTED"
	// envRolesFD is roleexe.EnvFD (not imported: it would embed the roles'
	// binary in itself).
	envRolesFD = "_SKIFF_ROLES_FD"
)

// Config is what the supervisor gets from `skiff daemon`.
type Config struct {
	Engine    string   `json:"engine"`             // the skiff binary engines run from
	EngineFD  int      `json:"engineFd,omitempty"` // the same binary, open, for when its path is gone
	Args      []string `json:"args"`               // the daemon's arguments, passed on to each engine
	ListenFDs []int    `json:"listenFds"`          // the API listeners, in order
	Remove    []string `json:"remove,omitempty"`   // socket files to delete at exit
	LockFD    int      `json:"lockFd,omitempty"`   // held for the daemon's life (rootful)
	LogLevel  string   `json:"logLevel,omitempty"` // debug, info, warn, error
	TapRelay  []int    `json:"tapRelay,omitempty"` // the egress tap and gvisor-tap-vsock socket fds to relay between

	rolesFD int // the sealed roles' binary this process runs from, for engines
}

// Main runs the supervisor role (from Exec) and returns its exit code.
func Main() int {
	var cfg Config
	err := json.Unmarshal([]byte(os.Getenv(envConfig)), &cfg)
	// Engines must not inherit the role.
	os.Unsetenv(envConfig)
	os.Unsetenv("_SKIFF_ROLE")
	log := newLogger(cfg.LogLevel)
	if err != nil {
		log.errorf("bad supervisor config: %v", err)
		return 2
	}
	// Exec cleared close-on-exec on these; nothing else may inherit them.
	for _, fd := range append(append(slices.Clone(cfg.ListenFDs), cfg.LockFD, cfg.EngineFD), cfg.TapRelay...) {
		if fd > 2 {
			unix.CloseOnExec(fd)
		}
	}
	// This process runs from the sealed roles' binary: engines get it too,
	// for their shims, so that one copy's pages serve them all.
	if fd, err := unix.Open("/proc/self/exe", unix.O_RDONLY|unix.O_CLOEXEC, 0); err == nil {
		cfg.rolesFD = fd
	}
	return run(cfg, log)
}

// Run is the supervisor in the calling process, for a skiff that carries
// no roles' binary (a plain go build).
func Run(cfg Config) int {
	if cfg.Engine == "" {
		self, err := os.Executable()
		if err != nil {
			fmt.Fprintln(os.Stderr, "skiff supervisor:", err)
			return 1
		}
		cfg.Engine = self
	}
	return run(cfg, newLogger(cfg.LogLevel))
}

func run(cfg Config, log *logger) int {
	if len(cfg.TapRelay) == 2 {
		go relayTap(cfg.TapRelay[0], cfg.TapRelay[1], log)
	}
	defer func() {
		for _, p := range cfg.Remove {
			os.Remove(p)
		}
	}()
	files := make([]*os.File, len(cfg.ListenFDs))
	for i, fd := range cfg.ListenFDs {
		files[i] = os.NewFile(uintptr(fd), "listener-"+strconv.Itoa(i))
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	exits, err := startReaper()
	if err != nil {
		log.errorf("becoming a subreaper: %v", err)
		return 1
	}
	stopping := false
	var pace enginePacer
	for {
		code, served, ok := runEngine(cfg, files, log, sigs, exits, &stopping)
		os.Setenv(EnvEngineRestarted, "1") // the engines after the first
		if !ok {
			return 1
		}
		if code == 0 || stopping {
			return code
		}
		delay, giveUp := pace.next(time.Now(), served)
		if giveUp {
			log.errorf("the engine keeps failing; giving up exit_code=%d", code)
			return code
		}
		// restart_in in milliseconds, as the daemon's other durations.
		log.warnf("the engine exited unexpectedly; restarting it exit_code=%d was_serving=%t restart_in=%d", code, served, delay.Milliseconds())
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

// runEngine starts one engine process with the listener fds and waits for
// it, forwarding stop signals. ok is false when it could not be started;
// served says whether it got as far as serving the API.
// The reaper, not cmd.Wait, collects the engine's exit: it reaps every child.
func runEngine(cfg Config, files []*os.File, log *logger, sigs <-chan os.Signal, exits <-chan childExit, stopping *bool) (code int, served, ok bool) {
	ready, err := newReadyPipe()
	if err != nil {
		log.errorf("starting the engine: %v", err)
		return 1, false, false
	}
	defer ready.close()
	cmd := exec.Command(engineBinary(cfg), append([]string{"engine"}, cfg.Args...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, os.Stdout, os.Stderr
	cmd.ExtraFiles = append(slices.Clone(files), ready.w)
	cmd.Env = append(os.Environ(), EnvEngineListenFDs+"="+strconv.Itoa(len(files)), EnvEngineReadyFD+"="+strconv.Itoa(3+len(files)))
	if cfg.rolesFD > 0 {
		cmd.ExtraFiles = append(cmd.ExtraFiles, os.NewFile(uintptr(cfg.rolesFD), "skiff-roles"))
		cmd.Env = append(cmd.Env, envRolesFD+"="+strconv.Itoa(2+len(cmd.ExtraFiles)))
	}
	// The engine must not outlive its supervisor (which holds the namespaces).
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		log.errorf("starting the engine: %v", err)
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

// engineBinary is skiff by its path, so that an engine restarted after an
// upgrade runs the new binary; the open copy when the path is gone.
func engineBinary(cfg Config) string {
	if _, err := os.Stat(cfg.Engine); err != nil && cfg.EngineFD > 0 {
		return fmt.Sprintf("/proc/self/fd/%d", cfg.EngineFD)
	}
	return cfg.Engine
}
