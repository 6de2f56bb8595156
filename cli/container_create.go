package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/moby/moby/client"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"golang.org/x/sys/unix"
)

// createCmd is `skiff create` and `skiff container create`.
type createCmd struct {
	createOptions `embed:""`
}

// Run creates the container and prints its ID.
func (c *createCmd) Run(a *app) error {
	cfg, err := c.parse(a, "create")
	if err != nil {
		return err
	}
	id, err := a.createContainer(cfg, &c.createOptions)
	if err != nil {
		return err
	}
	fmt.Fprintln(a.Stdout, id)
	return nil
}

// parse checks the flags and builds the create request; errors are
// docker's, with exit status 125.
func (c *createOptions) parse(a *app, cmd string) (*containerConfig, error) {
	switch c.Pull {
	case "always", "missing", "never", "":
	default:
		return nil, usageError(cmd, fmt.Errorf("invalid pull option: '%s': must be one of %q, %q or %q", c.Pull, "always", "missing", "never"))
	}
	if c.Platform == "" {
		c.Platform = a.getenv("DOCKER_DEFAULT_PLATFORM")
	}
	lookup := func(k string) (string, bool) {
		v := a.getenv(k)
		return v, v != ""
	}
	cfg, err := c.toConfig(c.Image, c.Args, lookup)
	var fe *flagValueError
	if errors.As(err, &fe) {
		return nil, flagUsageError(fe, cmd)
	}
	if err != nil {
		return nil, usageError(cmd, err)
	}
	if cfg.Config.Tty && isTerminal(a.Stdout) {
		if ws, err := unix.IoctlGetWinsize(int(a.Stdout.(fdStream).Fd()), unix.TIOCGWINSZ); err == nil {
			cfg.HostConfig.ConsoleSize = [2]uint{uint(ws.Row), uint(ws.Col)}
		}
	}
	return cfg, nil
}

// usageError is docker's message for a bad `run` or `create` invocation:
// "skiff: <err>" and a pointer to the help, exit status 125.
func usageError(cmd string, err error) error {
	return statusError{Code: 125, Msg: fmt.Sprintf("skiff: %v\n\nRun 'skiff %s --help' for more information", err, cmd)}
}

// runStatusError is docker's exit status for a container that could not
// be created or started: 127 when the command is not found, 126 when it
// cannot be executed, 125 for anything else.
func (a *app) runStatusError(err error) error {
	msg := a.describe(err)
	code := 125
	switch {
	case strings.Contains(msg, "executable file not found") || strings.Contains(msg, "no such file or directory") ||
		strings.Contains(msg, "system cannot find the file specified"):
		code = 127
	case strings.Contains(msg, syscall.EACCES.Error()) || strings.Contains(msg, syscall.EISDIR.Error()):
		code = 126
	}
	return statusError{Code: code, Msg: fmt.Sprintf("skiff: %s\n\nRun 'skiff run --help' for more information", msg)}
}

// createContainer creates the container, pulling its image first with
// --pull=always, or when the daemon has no such image and --pull=missing,
// as docker does. It prints the daemon's warnings and writes --cidfile.
func (a *app) createContainer(cfg *containerConfig, o *createOptions) (string, error) {
	var platform *ocispec.Platform
	if o.Platform != "" {
		p, err := parsePlatform(o.Platform)
		if err != nil {
			return "", fmt.Errorf("error parsing specified platform: %w", err)
		}
		platform = &p
	}
	cid, err := newCIDFile(cfg.HostConfig.ContainerIDFile)
	if err != nil {
		return "", err
	}
	defer cid.Close()
	var named reference.Named
	if ref, err := reference.ParseAnyReference(cfg.Config.Image); err != nil {
		return "", err
	} else if n, ok := ref.(reference.Named); ok {
		named = reference.TagNameOnly(n)
	}
	cl, err := a.apiClient()
	if err != nil {
		return "", err
	}
	if o.Pull == "always" {
		if err := a.pullForRun(cfg.Config.Image, platform, o.Quiet); err != nil {
			return "", err
		}
	}
	opts := client.ContainerCreateOptions{
		Name: o.Name, Platform: platform,
		Config: cfg.Config, HostConfig: cfg.HostConfig, NetworkingConfig: cfg.NetworkingConfig,
	}
	res, err := cl.ContainerCreate(a.ctx, opts)
	if err != nil && cerrdefs.IsNotFound(err) && named != nil && (o.Pull == "missing" || o.Pull == "") {
		if !o.Quiet {
			fmt.Fprintf(a.Stderr, "Unable to find image '%s' locally\n", reference.FamiliarString(named))
		}
		if err := a.pullForRun(cfg.Config.Image, platform, o.Quiet); err != nil {
			return "", err
		}
		res, err = cl.ContainerCreate(a.ctx, opts)
	}
	if err != nil {
		return "", err
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(a.Stderr, "WARNING:", w)
	}
	return res.ID, cid.Write(res.ID)
}

// pullForRun pulls an image for run/create, drawing progress on stderr
// (stdout carries only the container ID).
func (a *app) pullForRun(image string, platform *ocispec.Platform, quiet bool) error {
	ref, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return err
	}
	ref = reference.TagNameOnly(ref)
	opts := client.ImagePullOptions{}
	if platform != nil {
		opts.Platforms = []ocispec.Platform{*platform}
	}
	opts.RegistryAuth, _ = a.registryAuth(ref)
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	resp, err := cl.ImagePull(a.ctx, ref.String(), opts)
	if err != nil {
		return err
	}
	defer resp.Close()
	var out io.Writer = a.Stderr
	if quiet {
		out = io.Discard
	}
	return displayStream(resp, out)
}

// cidFile is --cidfile: created before the container, removed again when
// no ID was written to it.
type cidFile struct {
	path    string
	f       *os.File
	written bool
}

func newCIDFile(path string) (*cidFile, error) {
	if path == "" {
		return &cidFile{}, nil
	}
	if _, err := os.Stat(path); err == nil {
		return nil, errors.New("container ID file found, make sure the other container isn't running or delete " + path)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("failed to create the container ID file: %w", err)
	}
	return &cidFile{path: path, f: f}, nil
}

func (c *cidFile) Write(id string) error {
	if c.f == nil {
		return nil
	}
	if _, err := c.f.WriteString(id); err != nil {
		return fmt.Errorf("failed to write the container ID (%s) to file: %w", id, err)
	}
	c.written = true
	return nil
}

func (c *cidFile) Close() {
	if c.f == nil {
		return
	}
	_ = c.f.Close()
	if !c.written {
		_ = os.Remove(c.path)
	}
}
