// Package runtime runs containers: the engine side of the container
// shims. The engine asks Runtime to create a Task (the container's init in
// a shim process that serves a group of containers, stopped just before
// it execs the user's process),
// attaches to the task's output, then starts it. Tasks outlive the engine;
// Connect finds them again after a restart.
package runtime

import (
	"io"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/rs/zerolog"
)

// Options configures a Runtime.
type Options struct {
	// RunDir holds per-container runtime state (bundles, shim sockets):
	// $XDG_RUNTIME_DIR/skiff rootless, /run/skiff rootful.
	RunDir string
	Log    zerolog.Logger
	// ShimGroupSize is how many containers one shim process serves (0 for
	// DefaultShimGroupSize; 1 for a shim per container).
	ShimGroupSize int
}

// Bundle is what a task is created from.
type Bundle struct {
	// ID is the container's full ID.
	ID string
	// Spec is written to the bundle directory as config.json for init.
	Spec *specs.Spec
	// LogPath is the json-file log the shim writes ("" for none).
	LogPath string
	// Tty gives the process a pseudo-terminal instead of pipes.
	Tty bool
	// OpenStdin keeps a stdin pipe the engine can write to; StdinOnce
	// closes it after the first attach that used it detaches.
	OpenStdin, StdinOnce bool
	// Init runs skiff's tini-like init as PID 1 (docker run --init).
	Init bool
}

// Exit is how a container's process ended.
type Exit struct {
	Code      int // exit status, or 128+signal
	ExitedAt  time.Time
	OOMKilled bool
	// Err is set when the shim could not tell (it died, or init failed
	// before the user's process ran); Code is then 255 or init's code.
	Err string
}

// AttachOptions picks the streams of an attach.
type AttachOptions struct {
	Stdin, Stdout, Stderr bool
}

// Streams are an attach's ends. Stdout and Stderr end (io.EOF) when the
// container's output ends; with a tty everything comes on Stdout.
type Streams struct {
	Stdin          io.WriteCloser // nil unless asked for
	Stdout, Stderr io.ReadCloser  // nil unless asked for
}

// ExitCoder is implemented by Task.Start errors that mean the process could
// not be run (127 not found, 126 not executable), as Docker sets them.
type ExitCoder interface {
	ExitCode() int
}
