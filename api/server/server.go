// Package server is skiff's Docker Engine API server: it routes versioned
// and unversioned paths, checks the client's API version, sets the headers
// dockerd sets, maps handler errors to statuses, logs requests, and tracks
// open connections for the daemon's idle timeout.
package server

import (
	"context"
	"errors"
	stdlog "log"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"github.com/skiff-engine/skiff/api/httputils"
)

// DefaultMaxHeaderBytes bounds request headers; larger ones get 431.
const DefaultMaxHeaderBytes = 1 << 20

// Options configures a Server.
type Options struct {
	// System answers /version, /info and /events. When nil those three
	// stay 501 stubs (/_ping needs no backend).
	System SystemBackend
	// Images serves the image routes; nil leaves them 501 stubs.
	Images ImagesBackend
	// Containers serves the container routes (exec aside); nil leaves
	// them 501 stubs.
	Containers ContainersBackend
	// Networks serves the network routes; nil leaves them 501 stubs.
	Networks NetworksBackend
	// Volumes serves the volume routes; nil leaves them 501 stubs.
	Volumes VolumesBackend
	// Logger logs requests at debug level and handler faults at error
	// level; handlers get it from their request context (zerolog.Ctx).
	Logger zerolog.Logger
	// EngineVersion is the version in the Server header, "Docker/<v> (linux)"
	// as dockerd sends it; empty means "dev".
	EngineVersion string
	// MaxHeaderBytes bounds request headers (default DefaultMaxHeaderBytes).
	MaxHeaderBytes int
	// OnIdle, if set, is called each time the last open API connection
	// closes (hijacked and streaming connections count as open until they
	// close). It runs on the closing connection's goroutine: do not block.
	OnIdle func()
}

// Server serves the Docker Engine API. Create it with New, register real
// handlers with Handle, then call Serve for each listener.
type Server struct {
	opts    Options
	log     zerolog.Logger
	version string

	mu     sync.RWMutex
	routes routeTable

	httpServer *http.Server
	conns      connTracker

	stop     chan struct{}
	stopOnce sync.Once
}

// New returns a Server with every Docker API route registered: /_ping,
// and /version, /info and /events when opts.System is set, and a 501 stub
// for everything else until Handle replaces it.
func New(opts Options) *Server {
	if opts.MaxHeaderBytes <= 0 {
		opts.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	s := &Server{
		opts:    opts,
		log:     opts.Logger,
		version: opts.EngineVersion,
		stop:    make(chan struct{}),
	}
	if s.version == "" {
		s.version = "dev"
	}
	s.conns.onIdle = opts.OnIdle
	s.conns.idleSince = time.Now()

	for _, r := range dockerRoutes {
		s.Handle(r.pattern, notImplementedStub(r.body))
	}
	s.registerSystemRoutes()
	s.registerImageRoutes()
	s.registerContainerRoutes()
	s.registerExecRoutes()
	s.registerNetworkRoutes()
	s.registerVolumeRoutes()
	s.registerDiskUsageRoute()

	s.httpServer = &http.Server{
		Handler:           s,
		MaxHeaderBytes:    opts.MaxHeaderBytes,
		ReadHeaderTimeout: time.Minute,
		ConnState:         s.conns.connState,
		ErrorLog:          stdlog.New(s.log.With().Str("component", "http").Logger(), "", 0),
	}
	return s
}

// Handle registers h for a "METHOD /path" pattern (no version prefix; the
// server serves it both bare and under /vX.Y). {name} is one path segment,
// {name...} one or more (image names hold slashes). Registering a pattern
// that exists, such as a 501 stub, replaces its handler. It panics on a
// malformed pattern, as http.ServeMux does: that is a programming error.
func (s *Server) Handle(pattern string, h httputils.HandlerFunc) {
	rt, err := parsePattern(pattern)
	if err != nil {
		panic(err)
	}
	rt.handler = h
	s.mu.Lock()
	defer s.mu.Unlock()
	s.routes.set(rt)
}

// Serve accepts connections on l until Shutdown. It returns nil after
// Shutdown, else the listener's error. It may be called for several
// listeners (socket-activated fds, -H flags).
func (s *Server) Serve(l net.Listener) error {
	err := s.httpServer.Serve(&trackedListener{Listener: l})
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting connections, ends long-lived streams (events,
// and any handler that watches httputils.StopFromContext), waits for
// in-flight requests to finish and closes idle connections. If ctx ends
// first it returns ctx's error and leaves the rest to finish on their own.
func (s *Server) Shutdown(ctx context.Context) error {
	s.stopOnce.Do(func() { close(s.stop) })
	return s.httpServer.Shutdown(ctx)
}

// ActiveConnections returns the number of open API connections, hijacked
// ones (attach, exec) and streams (events, logs -f) included.
func (s *Server) ActiveConnections() int {
	return s.conns.active()
}

// IdleSince returns when the last open connection closed (or when the
// server was created, if none has opened since), and false while any
// connection is open. The daemon's --idle-timeout exits when it has been
// idle long enough.
func (s *Server) IdleSince() (time.Time, bool) {
	return s.conns.idle()
}
