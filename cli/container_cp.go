package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/docker/go-units"
	"github.com/moby/moby/client"
	"go.podman.io/storage/pkg/archive"
)

// cpCmd is `skiff cp` and `skiff container cp`.
type cpCmd struct {
	Archive    bool   `short:"a" help:"Archive mode (copy all uid/gid information)."`
	FollowLink bool   `short:"L" help:"Always follow symbol link in SRC_PATH."`
	Quiet      bool   `short:"q" help:"Suppress progress output during copy. Progress output is automatically suppressed if no terminal is attached."`
	Src        string `arg:"" name:"src" help:"CONTAINER:SRC_PATH, a local path, or - for a tar archive on stdin."`
	Dst        string `arg:"" name:"dest" help:"CONTAINER:DEST_PATH, a local path, or - for a tar archive on stdout."`
}

// Run copies between the container and the local filesystem, following
// docker's rules (archive.CopyInfo and friends): a file copied to an
// existing directory lands inside it, a directory's contents are copied
// with a trailing "/.", and "-" streams a tar archive.
func (c *cpCmd) Run(a *app) error {
	switch {
	case c.Src == "":
		return errors.New("source can not be empty")
	case c.Dst == "":
		return errors.New("destination can not be empty")
	}
	srcCtr, srcPath := splitCpArg(c.Src)
	dstCtr, dstPath := splitCpArg(c.Dst)
	quiet := c.Quiet || !isTerminal(a.Stdout)
	switch {
	case srcCtr != "" && dstCtr != "":
		return errors.New("copying between containers is not supported")
	case srcCtr != "":
		return a.copyFromContainer(srcCtr, srcPath, dstPath, c.FollowLink, quiet)
	case dstCtr != "":
		return a.copyToContainer(dstCtr, srcPath, dstPath, c.FollowLink, c.Archive, quiet)
	}
	return errors.New("must specify at least one container source")
}

// splitCpArg splits "ctr:path"; an absolute path, or one starting with
// ".", is local even when it has a colon.
func splitCpArg(arg string) (ctr, path string) {
	if filepath.IsAbs(arg) {
		return "", arg
	}
	ctr, path, ok := strings.Cut(arg, ":")
	if !ok || strings.HasPrefix(ctr, ".") {
		return "", arg
	}
	return ctr, path
}

func resolveLocalPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	return archive.PreserveTrailingDotOrSeparator(abs, p), nil
}

func (a *app) copyFromContainer(ctr, srcPath, dstPath string, followLink, quiet bool) error {
	if dstPath != "-" {
		var err error
		if dstPath, err = resolveLocalPath(dstPath); err != nil {
			return err
		}
		if err := validateOutputPath(dstPath); err != nil {
			return err
		}
	}
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	var rebaseName string
	if followLink {
		st, err := cl.ContainerStatPath(a.ctx, ctr, client.ContainerStatPathOptions{Path: srcPath})
		if err == nil && st.Stat.Mode&os.ModeSymlink != 0 {
			srcPath, rebaseName = archive.GetRebaseName(srcPath, linkTarget(srcPath, st.Stat.LinkTarget))
		}
	}
	res, err := cl.CopyFromContainer(a.ctx, ctr, client.CopyFromContainerOptions{SourcePath: srcPath})
	if err != nil {
		return err
	}
	defer res.Content.Close()
	if dstPath == "-" {
		_, err = io.Copy(a.Stdout, res.Content)
		return err
	}
	srcInfo := archive.CopyInfo{Path: srcPath, Exists: true, IsDir: res.Stat.Mode.IsDir(), RebaseName: rebaseName}
	counted := &countingReader{r: res.Content}
	var content io.Reader = counted
	if rebaseName != "" {
		_, base := archive.SplitPathDirEntry(srcPath)
		content = archive.RebaseArchiveEntries(content, base, rebaseName)
	}
	if err := archive.CopyTo(content, srcInfo, dstPath); err != nil {
		return err
	}
	if !quiet {
		fmt.Fprintln(a.Stderr, "Successfully copied", copiedSize(counted.n.Load()), "to", dstPath)
	}
	return nil
}

func (a *app) copyToContainer(ctr, srcPath, dstPath string, followLink, copyUIDGID, quiet bool) error {
	if srcPath != "-" {
		var err error
		if srcPath, err = resolveLocalPath(srcPath); err != nil {
			return err
		}
	}
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	// Where the copy lands depends on what the destination is: stat it,
	// through one symlink, as docker does.
	dstInfo := archive.CopyInfo{Path: dstPath}
	st, err := cl.ContainerStatPath(a.ctx, ctr, client.ContainerStatPathOptions{Path: dstPath})
	if err == nil && st.Stat.Mode&os.ModeSymlink != 0 {
		dstInfo.Path = linkTarget(dstPath, st.Stat.LinkTarget)
		st, err = cl.ContainerStatPath(a.ctx, ctr, client.ContainerStatPathOptions{Path: dstInfo.Path})
	}
	if err == nil {
		if m := st.Stat.Mode; m&os.ModeDevice != 0 || m&os.ModeIrregular != 0 {
			return fmt.Errorf("destination \"%s:%s\" must be a directory or a regular file", ctr, dstPath)
		}
		dstInfo.Exists, dstInfo.IsDir = true, st.Stat.Mode.IsDir()
	}
	var content io.Reader
	var resolvedDst string
	counted := &countingReader{}
	if srcPath == "-" {
		if !dstInfo.IsDir {
			return fmt.Errorf("destination \"%s:%s\" must be a directory", ctr, dstPath)
		}
		content, resolvedDst = a.Stdin, dstInfo.Path
	} else {
		srcInfo, err := archive.CopyInfoSourcePath(srcPath, followLink)
		if err != nil {
			return err
		}
		tarball, err := archive.TarResource(srcInfo)
		if err != nil {
			return err
		}
		defer tarball.Close()
		dstDir, prepared, err := archive.PrepareArchiveCopy(tarball, srcInfo, dstInfo)
		if err != nil {
			return err
		}
		defer prepared.Close()
		counted.r = prepared
		content, resolvedDst = counted, dstDir
	}
	_, err = cl.CopyToContainer(a.ctx, ctr, client.CopyToContainerOptions{
		DestinationPath: resolvedDst, Content: content, CopyUIDGID: copyUIDGID,
	})
	if err != nil {
		return err
	}
	if !quiet && srcPath != "-" {
		fmt.Fprintln(a.Stderr, "Successfully copied", copiedSize(counted.n.Load()), "to", ctr+":"+dstInfo.Path)
	}
	return nil
}

// linkTarget is where the symlink at path in the container points: its
// target, taken relative to path's directory unless absolute.
func linkTarget(path, target string) string {
	if filepath.IsAbs(target) {
		return target
	}
	parent, _ := archive.SplitPathDirEntry(path)
	return filepath.Join(parent, target)
}

// validateOutputPath checks a local destination as docker does (its
// ValidateOutputPath, which save and export share): its directory must
// exist, and the path be a directory or a regular file.
func validateOutputPath(path string) error {
	if err := checkOutputDir(filepath.Clean(path)); err != nil {
		return err
	}
	fi, err := os.Stat(path)
	if err == nil && !fi.IsDir() && !fi.Mode().IsRegular() {
		return fmt.Errorf("invalid output path: %q must be a directory or a regular file", path)
	}
	return nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func copiedSize(n int64) string { return units.HumanSizeWithPrecision(float64(n), 3) }
