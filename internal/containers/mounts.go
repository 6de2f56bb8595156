package containers

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// mountPoint is one bind or tmpfs mount of a container.
type mountPoint struct {
	Type        mount.Type
	Source      string // host path (bind)
	Destination string
	RW          bool
	Mode        string // the options as the user wrote them (-v)
	Propagation mount.Propagation
	TmpfsOpts   []string
}

func errVolumes(what string) error {
	return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("named volumes are not supported yet (%s): use a bind mount of an absolute host path", what))
}

// parseMounts reads -v binds, --mount and the request's anonymous
// volumes. Named and anonymous volumes are refused until the volume
// service exists; the image's own VOLUMEs stay in the container's layer.
func parseMounts(hc *container.HostConfig, userVolumes map[string]struct{}) ([]mountPoint, error) {
	return parseMountsOpt(hc, userVolumes, true)
}

// parseMountsNoCreate reads a stored container's mounts without touching
// the host (inspect, list, archive).
func parseMountsNoCreate(hc *container.HostConfig) ([]mountPoint, error) {
	return parseMountsOpt(hc, nil, false)
}

func parseMountsOpt(hc *container.HostConfig, userVolumes map[string]struct{}, create bool) ([]mountPoint, error) {
	var out []mountPoint
	seen := map[string]bool{}
	add := func(m mountPoint) error {
		m.Destination = filepath.Clean(m.Destination)
		if !filepath.IsAbs(m.Destination) {
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid mount config: mount path must be absolute: %s", m.Destination))
		}
		if seen[m.Destination] {
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("Duplicate mount point: %s", m.Destination))
		}
		seen[m.Destination] = true
		out = append(out, m)
		return nil
	}
	for _, b := range hc.Binds {
		m, err := parseBind(b, create)
		if err != nil {
			return nil, err
		}
		if err := add(m); err != nil {
			return nil, err
		}
	}
	for _, mt := range hc.Mounts {
		switch mt.Type {
		case mount.TypeBind:
			if !filepath.IsAbs(mt.Source) {
				return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid mount config for type \"bind\": invalid mount path: '%s' mount path must be absolute", mt.Source))
			}
			if _, err := os.Stat(mt.Source); create && err != nil {
				return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid mount config for type \"bind\": bind source path does not exist: %s", mt.Source))
			}
			m := mountPoint{Type: mount.TypeBind, Source: filepath.Clean(mt.Source), Destination: mt.Target, RW: !mt.ReadOnly}
			if mt.BindOptions != nil {
				m.Propagation = mt.BindOptions.Propagation
			}
			if err := add(m); err != nil {
				return nil, err
			}
		case mount.TypeTmpfs:
			m := mountPoint{Type: mount.TypeTmpfs, Destination: mt.Target, RW: !mt.ReadOnly}
			if o := mt.TmpfsOptions; o != nil {
				if o.SizeBytes > 0 {
					m.TmpfsOpts = append(m.TmpfsOpts, fmt.Sprintf("size=%d", o.SizeBytes))
				}
				if o.Mode != 0 {
					m.TmpfsOpts = append(m.TmpfsOpts, fmt.Sprintf("mode=%o", o.Mode.Perm()))
				}
			}
			if err := add(m); err != nil {
				return nil, err
			}
		case mount.TypeVolume:
			return nil, errVolumes("--mount type=volume")
		default:
			return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid mount config: mount type %q is not supported", mt.Type))
		}
	}
	for v := range userVolumes {
		if !seen[filepath.Clean(v)] {
			return nil, errVolumes("anonymous volume " + v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Destination < out[j].Destination })
	return out, nil
}

// parseBind reads "src:dst[:opts]".
func parseBind(b string, create bool) (mountPoint, error) {
	parts := strings.Split(b, ":")
	if len(parts) < 2 || len(parts) > 3 {
		if len(parts) == 1 {
			return mountPoint{}, errVolumes("anonymous volume " + b)
		}
		return mountPoint{}, errdefs.ErrInvalidArgument.WithMessage("invalid volume specification: '" + b + "'")
	}
	src, dst := parts[0], parts[1]
	if !filepath.IsAbs(src) {
		return mountPoint{}, errVolumes("volume " + src)
	}
	m := mountPoint{Type: mount.TypeBind, Source: filepath.Clean(src), Destination: dst, RW: true}
	if len(parts) == 3 {
		m.Mode = parts[2]
		for _, o := range strings.Split(parts[2], ",") {
			switch o {
			case "ro":
				m.RW = false
			case "rw", "z", "Z", "nocopy", "":
			case "shared", "rshared", "slave", "rslave", "private", "rprivate":
				m.Propagation = mount.Propagation(o)
			default:
				return mountPoint{}, errdefs.ErrInvalidArgument.WithMessage("invalid mode: " + o)
			}
		}
	}
	// -v creates a missing host directory, as Docker does.
	if _, err := os.Stat(m.Source); create && os.IsNotExist(err) {
		if err := os.MkdirAll(m.Source, 0o755); err != nil {
			return mountPoint{}, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("error while creating mount source path '%s': %v", m.Source, err))
		}
	}
	return m, nil
}

// specMounts turns the mount points into OCI mounts.
func specMounts(mps []mountPoint) []specs.Mount {
	var out []specs.Mount
	for _, m := range mps {
		switch m.Type {
		case mount.TypeBind:
			opts := []string{"rbind"}
			if m.RW {
				opts = append(opts, "rw")
			} else {
				opts = append(opts, "ro")
			}
			if m.Propagation != "" {
				opts = append(opts, string(m.Propagation))
			} else {
				opts = append(opts, "rprivate")
			}
			out = append(out, specs.Mount{Destination: m.Destination, Type: "bind", Source: m.Source, Options: opts})
		case mount.TypeTmpfs:
			opts := []string{"nosuid", "nodev", "noexec"}
			if !m.RW {
				opts = append(opts, "ro")
			}
			out = append(out, specs.Mount{Destination: m.Destination, Type: "tmpfs", Source: "tmpfs", Options: append(opts, m.TmpfsOpts...)})
		}
	}
	return out
}

// apiMounts is inspect's and ps's Mounts.
func apiMounts(mps []mountPoint) []container.MountPoint {
	out := []container.MountPoint{}
	for _, m := range mps {
		out = append(out, container.MountPoint{Type: m.Type, Source: m.Source, Destination: m.Destination, Mode: m.Mode, RW: m.RW, Propagation: bindPropagation(m)})
	}
	return out
}

func bindPropagation(m mountPoint) mount.Propagation {
	if m.Type != mount.TypeBind {
		return ""
	}
	if m.Propagation == "" {
		return mount.PropagationRPrivate
	}
	return m.Propagation
}

// resolveInMount maps a container path that lies under a bind mount to
// that mount and the path inside its source (nil otherwise). The deepest
// mount wins.
func resolveInMount(mps []mountPoint, p string) (mp *mountPoint, rel string) {
	p = filepath.Clean("/" + p)
	best := -1
	for i, m := range mps {
		if m.Type != mount.TypeBind {
			continue
		}
		if p == m.Destination || strings.HasPrefix(p, m.Destination+"/") {
			if best < 0 || len(m.Destination) > len(mps[best].Destination) {
				best = i
			}
		}
	}
	if best < 0 {
		return nil, ""
	}
	rel = strings.TrimPrefix(p, mps[best].Destination)
	if rel == "" {
		rel = "/"
	}
	return &mps[best], rel
}
