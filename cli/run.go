// Package cli is skiff's command line: a kong command tree that speaks the
// Docker Engine API to a skiff (or Docker) daemon through
// github.com/moby/moby/client. It never imports the engine: everything it
// does goes through the API, so the real docker CLI can do the same.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/alecthomas/kong"
	"github.com/moby/moby/client"
	"github.com/rs/zerolog"

	"github.com/skiff-engine/skiff/rootless/paths"
)

// Build identifies the binary; main sets it from -ldflags.
type Build struct{ Version, GitCommit, BuildTime string }

// Roles are the other roles of the binary that the CLI hands over to
// untouched: `skiff daemon ...` and `skiff check ...`.
type Roles struct {
	// Daemon runs `skiff daemon`, given every argument after "daemon".
	Daemon func(args []string) int
	// Check runs `skiff check`, given every argument after "check".
	Check func(args []string) int
}

// Streams are the standard streams a command reads and writes; tests
// replace them with buffers.
type Streams struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// Run parses args (without argv[0]), runs the command they name and returns
// the process exit code.
func Run(args []string, build Build, roles Roles) int {
	a := newApp(Streams{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}, build, roles, os.Getenv)
	return a.run(context.Background(), args)
}

// app is the state one invocation shares between its commands: streams,
// global flags and the lazily created API client.
type app struct {
	Streams
	build  Build
	roles  Roles
	getenv func(string) string

	// defaultHost is the default daemon address (paths.DefaultHost).
	defaultHost func() (string, error)
	// autostart starts a daemon at a default socket that nothing answers;
	// nil never starts one.
	autostart func(ctx context.Context, socket string, ping func(context.Context) error) error

	globals *globals
	// then runs after the command line's parser is dropped: the daemon
	// runs for days and need not keep kong's model of the whole CLI (over
	// 1 MiB of heap) alive.
	then func() error

	ctx    context.Context
	host   hostSpec
	client *client.Client
}

func newApp(s Streams, build Build, roles Roles, getenv func(string) string) *app {
	a := &app{Streams: s, build: build, roles: roles, getenv: getenv, defaultHost: paths.DefaultHost}
	a.autostart = a.startDaemon
	return a
}

// statusError ends the process with Code after printing Msg (when not empty).
type statusError struct {
	Code int
	Msg  string
}

func (e statusError) Error() string { return e.Msg }

// kongExit carries kong's requested exit code (after --help, --version)
// out of the parser through a panic, so that Run returns instead of exiting.
type kongExit int

func (a *app) run(ctx context.Context, args []string) (code int) {
	if len(args) == 0 {
		args = []string{"--help"} // like docker: bare `skiff` prints usage
	}
	root := &rootCmd{}
	a.globals = &root.globals
	parser, err := kong.New(root,
		kong.Name("skiff"),
		kong.Description("A rootless container engine that speaks the Docker Engine API."),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		kong.Writers(a.Stdout, a.Stderr),
		kong.Exit(func(c int) { panic(kongExit(c)) }),
		kong.Vars{
			"version":    fmt.Sprintf("skiff version %s, build %s", a.build.Version, a.build.GitCommit),
			"config_dir": defaultConfigDir(a.getenv),
		},
		kong.Bind(a),
	)
	if err != nil {
		fmt.Fprintf(a.Stderr, "skiff: %v\n", err)
		return 1
	}
	defer func() {
		if r := recover(); r != nil {
			c, ok := r.(kongExit)
			if !ok {
				panic(r)
			}
			code = int(c)
		}
	}()
	kctx, err := parser.Parse(rewriteShorts(args, parser.Model.Node))
	if err != nil {
		return a.parseError(err)
	}
	if err := a.setup(ctx); err != nil {
		return a.fail(err)
	}
	defer func() {
		if a.client != nil {
			_ = a.client.Close()
		}
	}()
	if err := kctx.Run(); err != nil || a.then == nil {
		return a.fail(err)
	}
	return a.fail(a.then())
}

// setup applies the global flags: logging and the context check.
func (a *app) setup(ctx context.Context) error {
	g := a.globals
	level, err := zerolog.ParseLevel(g.LogLevel)
	if err != nil {
		return statusError{Code: 125, Msg: fmt.Sprintf("unable to parse logging level: %s", g.LogLevel)}
	}
	if g.Debug {
		level = zerolog.DebugLevel
	}
	logger := zerolog.New(zerolog.ConsoleWriter{Out: a.Stderr, NoColor: true}).Level(level).With().Timestamp().Logger()
	a.ctx = logger.WithContext(ctx)
	if g.Context != "" && g.Context != "default" {
		return statusError{Code: 1, Msg: "contexts are not supported yet"}
	}
	if g.Context != "" && len(g.Host) > 0 {
		return statusError{Code: 1, Msg: "conflicting options: cannot specify both --host and --context"}
	}
	return nil
}

// parseError prints a command-line error the way docker does.
func (a *app) parseError(err error) int {
	var perr *kong.ParseError
	cmdPath := "skiff"
	var selected *kong.Node
	if errors.As(err, &perr) && perr.Context != nil {
		if selected = perr.Context.Selected(); selected != nil {
			cmdPath = nodePath(selected)
		}
	}
	msg := err.Error()
	if selected != nil && len(selected.Positional) > 0 && !hasSubcommands(selected) &&
		(strings.HasPrefix(msg, "unexpected argument ") || strings.HasPrefix(msg, `expected "<`)) {
		fmt.Fprintf(a.Stderr, "%q requires %s.\nSee '%s --help'.\n", cmdPath, argCount(selected.Positional), cmdPath)
		return 1
	}
	if tok, ok := strings.CutPrefix(msg, "unexpected argument "); ok {
		tok, _, _ = strings.Cut(tok, ", did you mean")
		if selected != nil && !hasSubcommands(selected) {
			fmt.Fprintf(a.Stderr, "%q accepts no arguments.\nSee '%s --help'.\n", cmdPath, cmdPath)
			return 1
		}
		if selected != nil {
			tok = strings.TrimPrefix(cmdPath, "skiff ") + " " + tok
		}
		fmt.Fprintf(a.Stderr, "skiff: '%s' is not a skiff command.\nSee 'skiff --help'.\n", tok)
		return 1
	}
	fmt.Fprintf(a.Stderr, "%s: %s.\nSee '%s --help'.\n", cmdPath, strings.TrimSuffix(msg, "."), cmdPath)
	return 125
}

// argCount says how many arguments a command takes, in docker's words
// ("exactly 1 argument", "at least 1 argument", "at most 2 arguments").
func argCount(pos []*kong.Positional) string {
	required, variadic := 0, false
	for _, p := range pos {
		if p.Required {
			required++
		}
		variadic = variadic || p.IsSlice()
	}
	n, how := required, "exactly"
	switch {
	case variadic:
		how = "at least"
	case required < len(pos) && required == 0:
		n, how = len(pos), "at most"
	case required < len(pos):
		how = "at least"
	}
	if n == 1 {
		return fmt.Sprintf("%s 1 argument", how)
	}
	return fmt.Sprintf("%s %d arguments", how, n)
}

// nodePath is the command's path by names ("skiff image rm"); kong's
// FullPath adds the aliases.
func nodePath(n *kong.Node) string {
	var parts []string
	for ; n != nil; n = n.Parent {
		parts = append([]string{n.Name}, parts...)
	}
	return strings.Join(parts, " ")
}

func hasSubcommands(n *kong.Node) bool {
	for _, c := range n.Children {
		if c.Type == kong.CommandNode {
			return true
		}
	}
	return false
}

// fail prints err (if any) as docker does and returns the exit code.
func (a *app) fail(err error) int {
	if err == nil {
		return 0
	}
	var se statusError
	if errors.As(err, &se) {
		if se.Msg != "" {
			fmt.Fprintln(a.Stderr, se.Msg)
		}
		if se.Code == 0 {
			return 1
		}
		return se.Code
	}
	fmt.Fprintln(a.Stderr, a.describe(err))
	return 1
}
