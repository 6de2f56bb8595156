// Package daemon holds the daemon's process roles: the host side that
// bootstraps the rootless namespaces, the supervisor inside them that holds
// the API sockets and restarts the engine, and the engine process itself.
package daemon

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/internal/config"
	"github.com/skiff-engine/skiff/rootless"
	"github.com/skiff-engine/skiff/rootless/paths"
)

// Build identifies the binary; main sets it from -ldflags.
type Build struct{ Version, GitCommit, BuildTime string }

// settings are the daemon's merged configuration and where it lives.
type settings struct {
	flags    *Flags
	cfg      *config.Config
	runDir   string // $XDG_RUNTIME_DIR/skiff or /run/skiff
	dataRoot string
	hosts    []string
	log      zerolog.Logger
}

// Main is `skiff daemon`. Outside the user namespace (rootless) it
// bootstraps one and re-runs itself there; inside it, or as root, it is the
// supervisor that runs the engine.
func Main(args []string, build Build) int {
	s, err := load("daemon", args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "skiff daemon:", err)
		return 1
	}
	if paths.Rootful() || rootless.InUserNS() {
		if err := rootless.PrepareNamespace(); err != nil {
			s.log.Error().Err(err).Msg("preparing the namespace")
			return 1
		}
		return supervise(s, args)
	}
	return runHost(s)
}

// load parses flags and daemon.json and resolves paths; any error here
// means the daemon refuses to start rather than guess.
func load(role string, args []string) (*settings, error) {
	f, set, err := parseFlags(role, args)
	if err != nil {
		return nil, err
	}
	if err := paths.CheckRuntimeDir(); err != nil {
		return nil, err
	}
	cfgPath := f.ConfigFile
	if cfgPath == "" {
		if cfgPath, err = paths.DaemonConfig(); err != nil {
			return nil, err
		}
	}
	var cfg *config.Config
	if f.ConfigFile != "" {
		// An explicitly named file must exist, as with dockerd.
		if _, err := os.Stat(cfgPath); err != nil {
			return nil, fmt.Errorf("--config-file: %w", err)
		}
	}
	if cfg, err = config.Load(cfgPath); err != nil {
		return nil, err
	}
	if err := cfg.Merge(flagConfig(f), flagKeys(set)); err != nil {
		return nil, err
	}
	level := cfg.LogLevel
	if cfg.Debug {
		level = "debug"
	}
	log, err := newLogger(level, role)
	if err != nil {
		return nil, err
	}
	rootless.SetDebug(level == "debug")
	for _, k := range cfg.Unused() {
		log.Warn().Str("key", k).Msg("daemon.json key is accepted for Docker compatibility but not used by skiff yet")
	}
	runDir, err := paths.RuntimeDir()
	if err != nil {
		return nil, err
	}
	dataRoot := cfg.DataRoot
	if dataRoot == "" {
		if dataRoot, err = paths.DataRoot(); err != nil {
			return nil, err
		}
	}
	hosts := cfg.Hosts
	if len(hosts) == 0 {
		hosts = []string{"unix://" + filepath.Join(runDir, "skiff.sock")}
	}
	return &settings{flags: f, cfg: cfg, runDir: runDir, dataRoot: dataRoot, hosts: hosts, log: log}, nil
}

// flagConfig and flagKeys express the explicitly given flags as daemon.json
// keys, so config.Merge can apply them and report conflicts with the file.
func flagConfig(f *Flags) *config.Config {
	return &config.Config{
		Hosts:                 f.Hosts,
		DataRoot:              f.DataRoot,
		LogLevel:              f.LogLevel,
		Debug:                 f.Debug,
		IdleTimeout:           config.Duration(f.IdleTimeout),
		RootlessNetworkDriver: f.RootlessNetworkDriver,
		HostGatewayIP:         f.HostGatewayIP,
	}
}

func flagKeys(set map[string]bool) map[string]bool {
	out := map[string]bool{}
	for name := range set {
		switch name {
		case "host":
			out["hosts"] = true
		case "data-root", "log-level", "debug", "idle-timeout", "rootless-network-driver", "host-gateway-ip":
			out[name] = true
		}
	}
	return out
}

// runHost is the rootless daemon's host side: checks that need the real
// user, one lock per user, then the re-exec into the namespaces.
func runHost(s *settings) int {
	lock, err := claimHost(s)
	if err != nil {
		s.log.Error().Err(err).Msg("")
		return 1
	}
	defer lock.Close()
	trimAfterStart(10 * time.Second)
	err = rootless.Run(rootless.Options{
		StateDir: filepath.Join(s.runDir, "rootlesskit"),
		Network:  s.cfg.RootlessNetworkDriver,
		Log:      s.log,
	})
	if code, ok := rootless.ExitCode(err); ok {
		return code
	}
	if err != nil {
		s.log.Error().Err(err).Msg("rootless bootstrap failed")
		return 1
	}
	return 0
}

// claimHost runs the start-up checks that must see the real user (rootless
// host side) or real root (rootful): the runtime directory, a writable data
// root, no other daemon on the sockets, and the per-user lock, held until
// the daemon exits.
func claimHost(s *settings) (*os.File, error) {
	if err := os.MkdirAll(s.runDir, 0o700); err != nil {
		return nil, fmt.Errorf("creating the runtime directory: %w", err)
	}
	if err := checkWritable(s.dataRoot); err != nil {
		return nil, err
	}
	if os.Getenv("LISTEN_FDS") == "" { // systemd owns activated sockets
		for _, h := range s.hosts {
			p, err := unixPath(h)
			if err != nil {
				return nil, err
			}
			if err := checkNotRunning(p); err != nil {
				return nil, err
			}
		}
	}
	return lockRunDir(s.runDir)
}

// lockRunDir makes sure one daemon per user (or per rootful host) runs,
// even when two start at the same moment. The lock is the open file: it
// is held until every copy of that fd is closed (the supervisor keeps one).
func lockRunDir(runDir string) (*os.File, error) {
	path := filepath.Join(runDir, "daemon.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w (%s is locked)", ErrAlreadyRunning, path)
		}
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	return f, nil
}

// checkWritable creates the data root if needed and proves it is writable,
// so the daemon fails at start, not at the first pull.
func checkWritable(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("data root %s is not usable: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, ".write-test-*")
	if err != nil {
		if errors.Is(err, os.ErrPermission) {
			return fmt.Errorf("data root %s is not writable by uid %d: fix its ownership or choose another with --data-root", dir, os.Getuid())
		}
		return fmt.Errorf("data root %s is not writable: %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}
