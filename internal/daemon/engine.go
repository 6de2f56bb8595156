package daemon

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/skiff-engine/skiff/api/server"
	"github.com/skiff-engine/skiff/internal/atomicfile"
	"github.com/skiff-engine/skiff/internal/containers"
	"github.com/skiff-engine/skiff/internal/events"
	"github.com/skiff-engine/skiff/internal/images"
	"github.com/skiff-engine/skiff/internal/runtime"
	"github.com/skiff-engine/skiff/internal/runtime/cgroups"
	"github.com/skiff-engine/skiff/internal/supervisor"
	"github.com/skiff-engine/skiff/internal/system"
	"github.com/skiff-engine/skiff/internal/volumes"
	"github.com/skiff-engine/skiff/internal/volumes/plugin"
	"github.com/skiff-engine/skiff/rootless"
	"github.com/skiff-engine/skiff/rootless/paths"
)

// eventRing is how many past events `docker events --since` can replay.
const eventRing = 1024

// systemBackend joins the system facts and the event stream.
type systemBackend struct {
	*system.Backend
	system.EventSource
}

// Engine is the engine process: the API server and everything behind it.
// It serves on the listeners its supervisor passed and exits 0 on SIGTERM
// (after in-flight requests finish) or when idle for --idle-timeout.
func Engine(args []string, build Build) int {
	s, err := load("engine", args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "skiff engine:", err)
		return 1
	}
	tuneEngineGC()
	lns, err := engineListeners()
	if err != nil {
		s.log.Error().Err(err).Msg("")
		return 1
	}
	ready := takeReadyFD()
	id, err := engineID(s.dataRoot)
	if err != nil {
		s.log.Error().Err(err).Msg("engine id")
		return 1
	}
	broker := events.New(eventRing)
	if rootless.InUserNS() {
		// The state Podman's re-exec leaves: storage and image/v5 then
		// keep rootless behaviour (userxattr overlay, per-user paths)
		// although euid is 0 here.
		os.Setenv("_CONTAINERS_USERNS_CONFIGURED", "done")
		os.Setenv("_CONTAINERS_ROOTLESS_UID", strconv.Itoa(rootless.HostUID()))
	}
	// The image service asks the container service which containers use
	// an image; the container service needs the image service first.
	var ctrs *containers.Service
	inUse := func(imageID string) []string {
		if ctrs == nil {
			return nil
		}
		return ctrs.InUse(imageID)
	}
	imgs := images.New(images.Options{
		StoreOptions: images.StoreOptions{
			DataRoot: s.dataRoot,
			RunRoot:  filepath.Join(s.runDir, "storage"),
			SingleID: rootless.CurrentMapping() == rootless.MappingSingleID,
			Log:      s.log,
		},
		InsecureRegistries: s.cfg.InsecureRegistries,
		RegistryMirrors:    s.cfg.RegistryMirrors,
		UserAgent:          "skiff/" + build.Version,
		Events:             broker,
		InUse:              inUse,
	})
	defer imgs.Close()
	rt, err := runtime.New(runtime.Options{RunDir: s.runDir, Log: s.log, ShimGroupSize: s.cfg.ShimGroupSize})
	if err != nil {
		s.log.Error().Err(err).Msg("container runtime")
		return 1
	}
	defer rt.Close()
	vols, err := newVolumes(s.dataRoot, broker, s)
	if err != nil {
		s.log.Error().Err(err).Msg("loading volumes")
		return 1
	}
	nets, err := newNetworks(s, broker)
	if err != nil {
		s.log.Error().Err(err).Msg("starting the network service")
		return 1
	}
	defer nets.Close()
	ports, err := newPortForwarder(s)
	if err != nil {
		s.log.Error().Err(err).Msg("starting the port forwarder")
		return 1
	}
	cg := cgroups.Detect()
	ctrs, err = containers.New(containers.Options{
		DataRoot: s.dataRoot,
		RunDir:   s.runDir,
		Images:   imgs,
		Runtime:  rt,
		Events:   broker,
		Log:      s.log,
		Rootless: rootless.InUserNS(),
		SingleID: rootless.CurrentMapping() == rootless.MappingSingleID,
		Cgroups:  cg,
		Volumes:  vols,
		Networks: nets,
		// published ports and the host-gateway address (ports.go)
		HostGatewayIP: hostGatewayIP(s),
		Ports:         ports,
	})
	if err != nil {
		s.log.Error().Err(err).Msg("loading containers")
		return 1
	}
	vols.SetUsers(ctrs.VolumeUsers)
	// Close only drops the shim connections: a SIGTERM stops the
	// containers first (StopAll below); after an early return or a
	// crash they go on running and the next engine reconnects.
	defer ctrs.Close()
	sys := system.New(system.Options{
		Version:   build.Version,
		GitCommit: build.GitCommit,
		BuildTime: build.BuildTime,
		EngineID:  id,
		DataRoot:  s.dataRoot,
		Rootless:  rootless.InUserNS(),
		Debug:     s.cfg.Debug || s.cfg.LogLevel == "debug",
		Labels:    s.cfg.Labels,
		StateDir:  filepath.Join(s.runDir, "rootlesskit"),
		Images:    imgs,
		Cgroups:   cg,
	})
	srv := server.New(server.Options{
		System:        systemBackend{sys, system.EventSource{Broker: broker}},
		Images:        imgs,
		Containers:    ctrs,
		Volumes:       vols,
		Networks:      networksBackend{nets, ctrs},
		Logger:        s.log,
		EngineVersion: build.Version,
	})
	serveErr := make(chan error, len(lns))
	for _, ln := range lns {
		go func(ln net.Listener) { serveErr <- srv.Serve(ln) }(ln)
	}
	s.log.Info().Str("version", build.Version).Str("data_root", s.dataRoot).Bool("rootless", rootless.InUserNS()).Msg("API listening")
	signalServing(ready)
	go trimWhenIdle(srv, 2*time.Second)
	// Restart policies: a daemon start (not an engine the supervisor
	// restarted) starts again what dockerd's restore would.
	ctrs.StartPolicies(os.Getenv(supervisor.EnvEngineRestarted) == "")

	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	idle := idleTimer(srv, ctrs.Running, time.Duration(s.cfg.IdleTimeout))
	select {
	case sig := <-sigs:
		s.log.Info().Str("signal", sig.String()).Msg("shutting down")
	case <-idle:
		s.log.Info().Dur("idle_timeout", time.Duration(s.cfg.IdleTimeout)).Msg("idle: exiting")
	case err := <-serveErr:
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error().Err(err).Msg("serving the API")
			return 1
		}
	}
	timeout := 30 * time.Second
	if s.cfg.ShutdownTimeout > 0 {
		timeout = time.Duration(s.cfg.ShutdownTimeout) * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	// Stop the containers first: that also ends the wait and attach
	// requests that would otherwise hold Shutdown until the timeout.
	ctrs.StopAll(ctx)
	if err := srv.Shutdown(ctx); err != nil {
		s.log.Warn().Err(err).Msg("in-flight requests did not finish in time")
	}
	return 0
}

// idleTimer fires once no API connection has been open and no container
// has run for d. d == 0 never fires.
func idleTimer(srv *server.Server, running func() int, d time.Duration) <-chan struct{} {
	fire := make(chan struct{})
	if d <= 0 {
		return fire
	}
	go func() {
		tick := d / 10
		if tick > time.Second {
			tick = time.Second
		}
		if tick < 10*time.Millisecond {
			tick = 10 * time.Millisecond
		}
		idleSince := time.Now()
		for range time.Tick(tick) {
			if srv.ActiveConnections() > 0 || running() > 0 {
				idleSince = time.Now()
				continue
			}
			if time.Since(idleSince) >= d {
				close(fire)
				return
			}
		}
	}()
	return fire
}

// engineID is the daemon's stable identity (Info.ID), kept in the data root.
func engineID(dataRoot string) (string, error) {
	p := filepath.Join(dataRoot, "engine-id")
	if b, err := os.ReadFile(p); err == nil && len(strings.TrimSpace(string(b))) > 0 {
		return strings.TrimSpace(string(b)), nil
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	id := fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
	if err := os.MkdirAll(dataRoot, 0o700); err != nil {
		return "", err
	}
	return id, atomicfile.WriteFile(p, []byte(id+"\n"), 0o600)
}

// newVolumes starts the volume service on <data-root>/volumes, with the
// plugin directories of this mode (rootless: the user's runtime and config
// directories, which the engine sees as the user does).
func newVolumes(dataRoot string, broker *events.Broker, s *settings) (*volumes.Service, error) {
	configDir, err := paths.ConfigDir()
	if err != nil {
		return nil, err
	}
	return volumes.New(volumes.Options{
		Root:       filepath.Join(dataRoot, "volumes"),
		PluginDirs: plugin.DefaultDirs(rootless.InUserNS(), s.runDir, configDir),
		Events:     broker,
		Log:        s.log,
		Rootless:   rootless.InUserNS(),
	})
}
