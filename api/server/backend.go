package server

import (
	"context"
	"io"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/api/types/volume"
	"github.com/skiff-engine/skiff/internal/filters"
)

// SystemBackend is what the system routes (/_ping, /version, /info, /events)
// need from the engine. internal/ implements it.
type SystemBackend interface {
	// Version answers GET /version (the server part of `docker version`).
	Version(ctx context.Context) system.VersionResponse
	// Info answers GET /info.
	Info(ctx context.Context) (*system.Info, error)
	// SubscribeEvents returns the buffered events matching the window and
	// filters, and a channel of live ones; cancel ends the subscription.
	SubscribeEvents(ctx context.Context, since, until string, ef filters.Args) (past []events.Message, live <-chan events.Message, cancel func(), err error)
}

// VolumesBackend is what the volume routes need from the engine.
// internal/volumes implements it. Errors carry errdefs kinds (NotFound 404,
// InvalidParameter 400, Conflict 409, Unavailable 503 for a plugin that
// does not answer).
type VolumesBackend interface {
	// Create makes a volume or returns the existing one; name "" makes an
	// anonymous volume, driver "" means "local".
	Create(ctx context.Context, name, driver string, driverOpts, labels map[string]string) (volume.Volume, error)
	Get(ctx context.Context, name string) (volume.Volume, error)
	Remove(ctx context.Context, name string, force bool) error
	List(ctx context.Context, f filters.Args) ([]*volume.Volume, []string, error) // filters: dangling, driver, label, name
	Prune(ctx context.Context, f filters.Args) (volume.PruneReport, error)        // filters: all, label, label!
}

// NetworksBackend is what the network routes need from the engine.
// internal/network implements it. idOrName is a full or unique-prefix ID
// or a name. Errors carry errdefs kinds (NotFound 404, InvalidParameter
// 400, Conflict 409, PermissionDenied 403 for predefined networks).
type NetworksBackend interface {
	CreateNetwork(ctx context.Context, req network.CreateRequest) (network.CreateResponse, error)
	ListNetworks(ctx context.Context, f filters.Args) ([]network.Summary, error) // filters: dangling, driver, id, label, name, scope, type
	InspectNetwork(ctx context.Context, idOrName string, verbose bool, scope string) (network.Inspect, error)
	RemoveNetwork(ctx context.Context, idOrName string) error
	PruneNetworks(ctx context.Context, f filters.Args) (network.PruneReport, error)
	ConnectNetwork(ctx context.Context, idOrName string, req network.ConnectRequest) error
	DisconnectNetwork(ctx context.Context, idOrName string, req network.DisconnectRequest) error
}

// ContainersBackend is what the container routes need from the engine.
// internal/containers implements it. idOrName is a full or unique-prefix
// ID or a name (with or without the leading "/"). Errors carry errdefs
// kinds (NotFound 404, InvalidParameter 400, Conflict 409, NotModified 304).
type ContainersBackend interface {
	// Create makes a container; name "" generates one. platform is the
	// query parameter as given ("" for any).
	Create(ctx context.Context, name, platform string, req *container.CreateRequest) (container.CreateResponse, error)
	// Start starts a created or exited container; NotModified when running.
	Start(ctx context.Context, idOrName string) error
	// Stop sends signal ("" = the container's StopSignal, else SIGTERM),
	// waits timeout seconds (nil = its StopTimeout, else 10; -1 = forever),
	// then SIGKILLs. NotModified when not running.
	Stop(ctx context.Context, idOrName, signal string, timeout *int) error
	// Restart stops (as Stop, running or not) and starts again.
	Restart(ctx context.Context, idOrName, signal string, timeout *int) error
	// Kill sends a signal by name ("KILL", "SIGKILL") or number; "" = KILL.
	// Conflict when the container is not running.
	Kill(ctx context.Context, idOrName, signal string) error
	// Wait checks the container exists, then returns a channel that gets one
	// response when cond (not-running, next-exit, removed; "" = not-running)
	// is met. The route writes the headers before it blocks on the channel.
	Wait(ctx context.Context, idOrName string, cond container.WaitCondition) (<-chan container.WaitResponse, error)
	// Remove deletes a container; Conflict when running and !force.
	Remove(ctx context.Context, idOrName string, opts RemoveOptions) error
	// Pause and Unpause freeze and thaw all processes of a container.
	Pause(ctx context.Context, idOrName string) error
	Unpause(ctx context.Context, idOrName string) error
	// Rename gives a container a new name.
	Rename(ctx context.Context, idOrName, newName string) error
	// Top lists the container's processes (`ps` with psArgs, default "-ef").
	Top(ctx context.Context, idOrName, psArgs string) (container.TopResponse, error)
	// Logs checks the container, then streams its log. tty tells the route
	// not to multiplex. The channel closes at the end of the log (or, with
	// Follow, when the container stops and the log is drained, or ctx ends).
	Logs(ctx context.Context, idOrName string, opts LogsOptions) (msgs <-chan LogMessage, tty bool, err error)
	// List answers GET /containers/json.
	List(ctx context.Context, opts ListOptions) ([]container.Summary, error)
	// Inspect answers GET /containers/{id}/json; size fills SizeRw/SizeRootFs.
	Inspect(ctx context.Context, idOrName string, size bool) (*container.InspectResponse, error)
	// Prune removes stopped containers matching filters (until, label).
	Prune(ctx context.Context, pruneFilters filters.Args) (container.PruneReport, error)
	// Export streams the container's filesystem as a tar.
	Export(ctx context.Context, idOrName string) (io.ReadCloser, error)
	// StatPath stats a path inside the container (HEAD /archive).
	StatPath(ctx context.Context, idOrName, path string) (*container.PathStat, error)
	// ArchivePath tars a path inside the container (GET /archive).
	ArchivePath(ctx context.Context, idOrName, path string) (io.ReadCloser, *container.PathStat, error)
	// ExtractToDir untars content into the directory path inside the
	// container (PUT /archive); it never writes outside the container root.
	ExtractToDir(ctx context.Context, idOrName, path string, opts ExtractOptions, content io.Reader) error
	// Changes lists what the container changed in its filesystem.
	Changes(ctx context.Context, idOrName string) ([]container.FilesystemChange, error)
	// Stats calls emit with one sample (stream false) or one a second until
	// ctx ends or the container stops. An error before the first emit is
	// the route's status; after it, the stream just ends.
	Stats(ctx context.Context, idOrName string, opts StatsOptions, emit func(*container.StatsResponse) error) error
	// Commit makes an image from a container and returns its ID.
	Commit(ctx context.Context, opts CommitOptions) (string, error)
	// Update changes the restart policy and resources of a container.
	Update(ctx context.Context, idOrName string, cfg *container.UpdateConfig) (container.UpdateResponse, error)
	// Attach checks the container, calls cfg.GetStreams (which hijacks the
	// connection) and copies the container's output to it (and stdin to the
	// container) until the output ends or the client goes away.
	Attach(ctx context.Context, idOrName string, cfg *AttachConfig) error
}

// RemoveOptions are DELETE /containers/{id}'s query parameters.
type RemoveOptions struct {
	Force         bool
	RemoveVolumes bool
	RemoveLink    bool
}

// LogsOptions are GET /containers/{id}/logs's query parameters, parsed.
type LogsOptions struct {
	Stdout, Stderr bool
	Follow         bool
	Timestamps     bool      // the route adds them; the backend always sets Time
	Since, Until   time.Time // zero = unbounded
	Tail           int       // -1 = all
}

// LogMessage is one log line (Line keeps its newline) or a read error.
type LogMessage struct {
	Stream string // "stdout" or "stderr"
	Line   []byte
	Time   time.Time
	Err    error
}

// ListOptions are GET /containers/json's query parameters.
type ListOptions struct {
	All     bool
	Limit   int
	Size    bool
	Filters filters.Args
}

// ExtractOptions are PUT /containers/{id}/archive's query parameters.
type ExtractOptions struct {
	AllowOverwriteDirWithFile bool // !noOverwriteDirNonDir
	CopyUIDGID                bool
}

// StatsOptions are GET /containers/{id}/stats's query parameters.
type StatsOptions struct {
	Stream  bool
	OneShot bool
}

// CommitOptions are POST /commit's query parameters and body.
type CommitOptions struct {
	Container string
	Repo, Tag string
	Comment   string
	Author    string
	Changes   []string
	Pause     bool
	Config    *container.Config
}

// AttachConfig is POST /containers/{id}/attach's query parameters and the
// route's hook to hijack the connection.
type AttachConfig struct {
	Stream, Logs          bool
	Stdin, Stdout, Stderr bool
	DetachKeys            string
	// GetStreams hijacks the connection once the backend has checked the
	// container. tty says whether the output is raw (true) or multiplexed.
	// stdin is nil unless Stdin was asked for.
	GetStreams func(tty bool) (stdin io.ReadCloser, stdout, stderr io.Writer, err error)
}
