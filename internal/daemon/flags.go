package daemon

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/alecthomas/kong"
	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"
)

// Flags are `skiff daemon`'s command-line options; they override daemon.json.
type Flags struct {
	Hosts                 []string      `short:"H" name:"host" help:"Listen on this address (unix:///path.sock); repeatable."`
	ConfigFile            string        `name:"config-file" help:"daemon.json to read (default $XDG_CONFIG_HOME/skiff/daemon.json)."`
	DataRoot              string        `name:"data-root" help:"Root of persistent state (default $XDG_DATA_HOME/skiff)."`
	LogLevel              string        `short:"l" name:"log-level" enum:",debug,info,warn,error,fatal" default:"" help:"Log level (debug, info, warn, error, fatal)."`
	Debug                 bool          `short:"D" help:"Debug logging (same as --log-level debug)."`
	IdleTimeout           time.Duration `name:"idle-timeout" help:"Exit after this long with no API connection and no running container (0: never)."`
	RootlessNetworkDriver string        `name:"rootless-network-driver" help:"Egress driver of the rootless namespace: gvisor-tap-vsock (built in, default), slirp4netns or pasta."`
	HostGatewayIP         string        `name:"host-gateway-ip" help:"IP address that the special 'host-gateway' string in --add-host resolves to (rootless default: the egress driver's address for the host's loopback)."`
}

// parseFlags parses args (everything after "daemon"). set names the flags
// given explicitly, so they can override (or conflict with) daemon.json.
func parseFlags(name string, args []string) (*Flags, map[string]bool, error) {
	var f Flags
	parser, err := kong.New(&f, kong.Name("skiff "+name), kong.Description("Run the skiff daemon."),
		kong.Exit(func(code int) { os.Exit(code) }))
	if err != nil {
		return nil, nil, err
	}
	kctx, err := parser.Parse(args)
	if err != nil {
		return nil, nil, err
	}
	set := map[string]bool{}
	for _, fl := range kctx.Flags() {
		if fl.Set {
			set[fl.Name] = true
		}
	}
	return &f, set, nil
}

// newLogger logs to stderr: human-readable lines on a terminal or in the
// CLI-started daemon's log file, the same structured fields either way.
func newLogger(level string, role string) (zerolog.Logger, error) {
	lvl := zerolog.InfoLevel
	if level != "" {
		l, err := zerolog.ParseLevel(level)
		if err != nil {
			return zerolog.Logger{}, fmt.Errorf("invalid log level %q", level)
		}
		lvl = l
	}
	var out io.Writer = zerolog.ConsoleWriter{Out: os.Stderr, NoColor: !isatty.IsTerminal(os.Stderr.Fd()), TimeFormat: time.RFC3339Nano}
	return zerolog.New(out).Level(lvl).With().Timestamp().Str("role", role).Logger(), nil
}
