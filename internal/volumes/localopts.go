package volumes

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/containerd/errdefs"
	"github.com/docker/go-units"
	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/internal/mountopt"
)

// The local driver's options, as dockerd's: type and device go together,
// o needs both; size asks for a quota, which skiff cannot set.
var (
	localOpts     = map[string]bool{"type": true, "o": true, "device": true, "size": true}
	mandatoryOpts = []struct {
		opt  string
		need []string
	}{{"device", []string{"type"}}, {"type", []string{"device"}}, {"o", []string{"device", "type"}}}
)

// validateLocalOpts checks the local driver's options before anything is
// created: dockerd's rules, then, rootless, what a user namespace can
// mount (tmpfs and binds of paths the engine can read).
func validateLocalOpts(opts map[string]string, rootless bool) error {
	if len(opts) == 0 {
		return nil
	}
	keys := make([]string, 0, len(opts))
	for k := range opts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !localOpts[k] {
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid option: %q", k))
		}
	}
	if v, ok := opts["size"]; ok {
		size, err := units.RAMInBytes(v)
		if err != nil {
			return errdefs.ErrInvalidArgument.WithMessage(err.Error())
		}
		if size > 0 {
			return errdefs.ErrInvalidArgument.WithMessage("quota size requested but no quota support")
		}
	}
	for _, m := range mandatoryOpts {
		if _, ok := opts[m.opt]; !ok {
			continue
		}
		for _, n := range m.need {
			if _, ok := opts[n]; !ok {
				return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("missing required option: %q", n))
			}
		}
	}
	if !needsMount(opts) {
		return nil
	}
	bind := mountopt.Parse(mountopt.Split(opts["o"])).Flags&unix.MS_BIND != 0
	if rootless && opts["type"] != "tmpfs" && !bind {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("rootless skiff cannot mount a volume of type %q: in a user namespace only type=tmpfs and o=bind volumes can be mounted", opts["type"]))
	}
	if bind {
		return checkBindSource(opts["device"])
	}
	return nil
}

// checkBindSource makes sure the engine can reach a bind volume's source:
// rootless, that means a path the user can reach (or owned by the user's
// subordinate ids), so a volume never exposes what the user cannot read.
func checkBindSource(dev string) error {
	if !filepath.IsAbs(dev) {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid device for a bind volume: %q is not an absolute path", dev))
	}
	st, err := os.Stat(dev)
	if err != nil {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("bind volume source %s is not accessible: %v", dev, errors.Unwrap(err)))
	}
	f, err := os.Open(dev)
	if err == nil && st.IsDir() {
		_, err = f.Readdirnames(1)
		if errors.Is(err, io.EOF) {
			err = nil
		}
	}
	if f != nil {
		f.Close()
	}
	if err != nil {
		if pe := new(os.PathError); errors.As(err, &pe) {
			err = pe.Err
		}
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("bind volume source %s is not accessible: %v", dev, err))
	}
	return nil
}

// needsMount says whether a local volume is a mount (type or device set)
// rather than a plain directory.
func needsMount(opts map[string]string) bool {
	return opts["type"] != "" || opts["device"] != ""
}

// mountLocal mounts a tmpfs or bind volume's _data. Propagation words in
// o= are accepted and left alone: containers bind _data with their own.
func mountLocal(opts map[string]string, target string) error {
	o := mountopt.Parse(mountopt.Split(opts["o"]))
	if o.Flags&unix.MS_BIND != 0 {
		if err := unix.Mount(opts["device"], target, "", o.Flags&(unix.MS_BIND|unix.MS_REC), ""); err != nil {
			return fmt.Errorf("failed to mount local volume: mount %s:%s, flags: %#x: %w", opts["device"], target, o.Flags, err)
		}
		// Flags on a bind need a remount, which in a user namespace must
		// keep the source's locked flags.
		if rest := o.Flags &^ (unix.MS_BIND | unix.MS_REC); rest != 0 || o.Clear != 0 {
			if err := mountopt.RemountBind(target, rest, o.Clear); err != nil {
				_ = unix.Unmount(target, unix.MNT_DETACH)
				return fmt.Errorf("failed to mount local volume: %w", err)
			}
		}
		return nil
	}
	if err := unix.Mount(opts["device"], target, opts["type"], o.Flags, o.Data); err != nil {
		return fmt.Errorf("failed to mount local volume: mount %s:%s, flags: %#x, data: %s: %w", opts["device"], target, o.Flags, o.Data, err)
	}
	return nil
}

// unmountLocal unmounts _data; not being mounted is no error.
func unmountLocal(target string) error {
	if err := unix.Unmount(target, 0); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
		if err := unix.Unmount(target, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) {
			return fmt.Errorf("unmounting %s: %w", target, err)
		}
	}
	return nil
}
