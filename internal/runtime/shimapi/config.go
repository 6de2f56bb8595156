package shimapi

// The fds a shim is started with.
const (
	// FdSelfExe is the sealed copy of the binary that init runs from.
	FdSelfExe = 3
	// FdGroup is the shim's end of its group connection (see group.go).
	FdGroup = 4
)

// Config tells a shim what to run.
type Config struct {
	ID string `json:"id"`
	// Bundle is the directory holding config.json; exit.json goes there.
	Bundle string `json:"bundle"`
	// Socket is the control socket the shim listens on.
	Socket  string `json:"socket"`
	LogPath string `json:"logPath,omitempty"`
	Tty     bool   `json:"tty,omitempty"`
	// OpenStdin gives the process a stdin pipe; StdinOnce closes it when
	// the first attach that wrote to it ends its stdin.
	OpenStdin bool `json:"openStdin,omitempty"`
	StdinOnce bool `json:"stdinOnce,omitempty"`
	// Init keeps init as the container's PID 1 (docker run --init).
	Init bool `json:"init,omitempty"`
	// CloneFlags are the namespaces init is created in (CLONE_NEW*), and
	// ConsoleWidth and ConsoleHeight the tty's size at start (0 for the
	// default): all the shim needs of the spec, so that it never parses
	// config.json (which only init reads).
	CloneFlags    uint64 `json:"cloneFlags,omitempty"`
	ConsoleWidth  uint16 `json:"consoleWidth,omitempty"`
	ConsoleHeight uint16 `json:"consoleHeight,omitempty"`
}
