package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/moby/moby/client"
)

// saveCmd is `skiff save` and `skiff image save`.
type saveCmd struct {
	Output   string   `short:"o" placeholder:"FILE" help:"Write to a file, instead of STDOUT."`
	Platform string   `placeholder:"PLATFORM" help:"Save only the given platform variant: os[/arch[/variant]]."`
	Images   []string `arg:"" name:"image" help:"Images to save."`
}

// Run streams the images' tar archive to stdout or, atomically, to -o.
func (c *saveCmd) Run(a *app) error {
	var opts []client.ImageSaveOption
	if c.Platform != "" {
		p, err := parsePlatform(c.Platform)
		if err != nil {
			return fmt.Errorf("invalid platform: %w", err)
		}
		opts = append(opts, client.ImageSaveWithPlatforms(p))
	}
	if err := checkTarOutput(a, c.Output, "failed to save image"); err != nil {
		return err
	}
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	body, err := cl.ImageSave(a.ctx, c.Images, opts...)
	if err != nil {
		return err
	}
	defer body.Close()
	if c.Output == "" {
		_, err = io.Copy(a.Stdout, body)
		return err
	}
	return writeFileAtomic(c.Output, body, 0o600)
}

// checkOutputDir fails early, before the daemon works, when path's
// directory does not exist.
func checkOutputDir(path string) error {
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("invalid output path: directory %q does not exist", dir)
	case err != nil:
		return err
	case !fi.IsDir():
		return fmt.Errorf("invalid output path: %q is not a directory", dir)
	}
	return nil
}

// writeFileAtomic copies r to a temporary file next to path and renames it
// over path once everything is written and synced, so that an interrupted
// write never leaves a truncated file (a saved archive, config.json) under
// the user's name. (cli/ cannot use internal/atomicfile.)
func writeFileAtomic(path string, r io.Reader, mode os.FileMode) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = io.Copy(tmp, r); err != nil {
		return err
	}
	if err = tmp.Chmod(mode); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// The rename is durable only once the directory is synced.
	if d, derr := os.Open(filepath.Dir(path)); derr == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// checkTarOutput refuses to write a tar to a terminal and checks that the
// -o file's directory exists, as docker save and export do; what prefixes
// the latter error.
func checkTarOutput(a *app, output, what string) error {
	if output == "" && isTerminal(a.Stdout) {
		return errors.New("cowardly refusing to save to a terminal. Use the -o flag or redirect")
	}
	if output != "" {
		if err := checkOutputDir(output); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	return nil
}
