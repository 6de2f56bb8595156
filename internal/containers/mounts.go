package containers

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
)

// mountPoint is one bind, volume or tmpfs mount of a container, as
// dockerd's volume/mounts.MountPoint. The resolved list is stored in the
// record at create (record.MountPoints).
type mountPoint struct {
	Type mount.Type
	// Name and Driver are a volume's (the generated name of an anonymous
	// one).
	Name   string `json:",omitempty"`
	Driver string `json:",omitempty"`
	// Source is a bind's host path, or the path the volume service gave
	// for a volume (inspect's Source).
	Source      string
	Destination string
	RW          bool
	Mode        string // the options as the user wrote them (-v)
	Propagation mount.Propagation
	TmpfsOpts   []string `json:",omitempty"`
	// CopyData gives an empty volume the image's content at Destination
	// when it is mounted.
	CopyData bool `json:",omitempty"`
	// Anonymous volumes (no name given) go with the container on rm -v
	// and --rm; named ones stay.
	Anonymous bool `json:",omitempty"`
	// CreateSource makes a missing bind source at start (-v's legacy
	// behaviour, --mount's bind-create-src).
	CreateSource bool `json:",omitempty"`
	// NonRecursive binds only the source mount, not the mounts below it;
	// ForceRRO makes a read-only bind read-only for its submounts too.
	NonRecursive bool `json:",omitempty"`
	ForceRRO     bool `json:",omitempty"`
	// Subpath mounts a directory inside the volume.
	Subpath string `json:",omitempty"`

	// Create-time only: what a missing volume is created with, and
	// whether it is a config volume (-v /path, an image VOLUME: no mode).
	driverOpts, labels map[string]string
	fromConfig         bool
}

// mountOpts are the parts of a -v mode string.
var (
	rwModes          = map[string]bool{"rw": true, "ro": true}
	labelModes       = map[string]bool{"z": true, "Z": true}
	propagationModes = map[string]bool{
		string(mount.PropagationShared): true, string(mount.PropagationRShared): true,
		string(mount.PropagationSlave): true, string(mount.PropagationRSlave): true,
		string(mount.PropagationPrivate): true, string(mount.PropagationRPrivate): true,
	}
	consistencyModes = map[string]bool{"consistent": true, "cached": true, "delegated": true, "default": true}
)

// validMode is dockerd's linuxValidMountMode: known words, at most one of
// each kind.
func validMode(mode string) bool {
	if mode == "" {
		return true
	}
	var rw, label, prop, cp, cons int
	for _, o := range strings.Split(mode, ",") {
		switch {
		case rwModes[o]:
			rw++
		case labelModes[o]:
			label++
		case propagationModes[o]:
			prop++
		case o == "nocopy":
			cp++
		case consistencyModes[o]:
			cons++
		default:
			return false
		}
	}
	return rw <= 1 && label <= 1 && prop <= 1 && cp <= 1 && cons <= 1
}

// readWrite tells whether a valid mode leaves the mount writable.
func readWrite(mode string) bool {
	if !validMode(mode) {
		return false
	}
	for _, o := range strings.Split(mode, ",") {
		if o == "ro" {
			return false
		}
	}
	return true
}

func modePropagation(mode string) mount.Propagation {
	for _, o := range strings.Split(mode, ",") {
		if propagationModes[o] {
			return mount.Propagation(o)
		}
	}
	return ""
}

func modeHasNocopy(mode string) bool {
	for _, o := range strings.Split(mode, ",") {
		if o == "nocopy" {
			return true
		}
	}
	return false
}

func errInvalidSpec(raw string) error {
	return fmt.Errorf("invalid volume specification: '%s'", raw)
}

func invalidParam(err error) error {
	return errdefs.ErrInvalidArgument.WithMessage(err.Error())
}

// errMountConfig is dockerd's wording for a bad mount.
func errMountConfig(t mount.Type, err error) error {
	return fmt.Errorf("invalid mount config for type %q: %v", t, err)
}

// parseBindSpec reads a -v (HostConfig.Binds) entry as dockerd's
// ParseMountRaw: "dst" (anonymous volume), "src:dst" or "src:dst:mode";
// an absolute src is a bind, anything else a volume name.
func parseBindSpec(raw, volumeDriver string) (mountPoint, error) {
	arr := strings.SplitN(raw, ":", 4)
	if arr[0] == "" {
		return mountPoint{}, invalidParam(errInvalidSpec(raw))
	}
	var spec mount.Mount
	var mode string
	switch len(arr) {
	case 1:
		spec.Target = arr[0]
	case 2:
		if validMode(arr[1]) {
			// "/foo:rw": a destination and a mode is not a volume.
			return mountPoint{}, invalidParam(errInvalidSpec(raw))
		}
		spec.Source, spec.Target = arr[0], arr[1]
	case 3:
		spec.Source, spec.Target, mode = arr[0], arr[1], arr[2]
	default:
		return mountPoint{}, invalidParam(errInvalidSpec(raw))
	}
	if !validMode(mode) {
		return mountPoint{}, invalidParam(fmt.Errorf("invalid mode: %v", mode))
	}
	spec.Type = mount.TypeVolume
	if path.IsAbs(spec.Source) {
		spec.Type = mount.TypeBind
	}
	spec.ReadOnly = !readWrite(mode)
	if spec.Type == mount.TypeVolume {
		spec.VolumeOptions = &mount.VolumeOptions{NoCopy: modeHasNocopy(mode)}
		if volumeDriver != "" {
			spec.VolumeOptions.DriverConfig = &mount.Driver{Name: volumeDriver}
		}
	}
	if p := modePropagation(mode); p != "" {
		spec.BindOptions = &mount.BindOptions{Propagation: p}
	}
	mp, err := parseMountSpec(spec)
	if err != nil {
		return mountPoint{}, invalidParam(fmt.Errorf("%v: %v", errInvalidSpec(raw), err))
	}
	mp.Mode = mode
	if mp.Type == mount.TypeBind {
		mp.CreateSource = true
	}
	return mp, nil
}

// parseMountSpec checks and reads a --mount (HostConfig.Mounts) entry as
// dockerd's ParseMountSpec; the bind source's existence is checked by the
// caller (it touches the host).
func parseMountSpec(m mount.Mount) (mountPoint, error) {
	if err := validateMountConfig(&m); err != nil {
		return mountPoint{}, errMountConfig(m.Type, err)
	}
	mp := mountPoint{Type: m.Type, Destination: path.Clean(m.Target), RW: !m.ReadOnly}
	switch m.Type {
	case mount.TypeVolume:
		mp.Name = m.Source
		mp.Anonymous = m.Source == ""
		mp.CopyData = true
		if o := m.VolumeOptions; o != nil {
			if o.DriverConfig != nil {
				mp.Driver = o.DriverConfig.Name
				mp.driverOpts = o.DriverConfig.Options
			}
			mp.labels = o.Labels
			mp.CopyData = !o.NoCopy
			mp.Subpath = o.Subpath
		}
	case mount.TypeBind:
		mp.Source = path.Clean(m.Source)
		mp.Propagation = mount.PropagationRPrivate
		if o := m.BindOptions; o != nil {
			if o.Propagation != "" {
				mp.Propagation = o.Propagation
			}
			mp.NonRecursive = o.NonRecursive
			mp.ForceRRO = o.ReadOnlyForceRecursive
			mp.CreateSource = o.CreateMountpoint
		}
	case mount.TypeTmpfs:
		mp.TmpfsOpts = tmpfsOpts(m.TmpfsOptions)
	}
	return mp, nil
}

// validateMountConfig is dockerd's validateMountConfigImpl, less the
// bind source's existence.
func validateMountConfig(m *mount.Mount) error {
	if m.Target == "" {
		return errors.New("field Target must not be empty")
	}
	if path.Clean(m.Target) == "/" {
		return errors.New("invalid specification: destination can't be '/'")
	}
	if !path.IsAbs(m.Target) {
		return fmt.Errorf("invalid mount path: '%s' mount path must be absolute", m.Target)
	}
	switch m.Type {
	case mount.TypeBind:
		if m.Source == "" {
			return errors.New("field Source must not be empty")
		}
		if o := m.BindOptions; o != nil && o.Propagation != "" && !propagationModes[string(o.Propagation)] {
			return fmt.Errorf("invalid propagation mode: %s", o.Propagation)
		}
		if m.VolumeOptions != nil {
			return errors.New("field VolumeOptions must not be specified")
		}
		if !path.IsAbs(m.Source) {
			return fmt.Errorf("invalid mount path: '%s' mount path must be absolute", m.Source)
		}
	case mount.TypeVolume:
		if m.BindOptions != nil {
			return errors.New("field BindOptions must not be specified")
		}
		anonymous := m.Source == ""
		if o := m.VolumeOptions; o != nil && o.Subpath != "" {
			if anonymous {
				return errors.New("must not set Subpath when using anonymous volumes")
			}
			if path.IsAbs(o.Subpath) || !filepath.IsLocal(o.Subpath) {
				return errors.New("subpath must be a relative path within the volume")
			}
		}
		if m.ReadOnly && anonymous {
			return errors.New("must not set ReadOnly mode when using anonymous volumes")
		}
	case mount.TypeTmpfs:
		if m.BindOptions != nil {
			return errors.New("field BindOptions must not be specified")
		}
		if m.Source != "" {
			return errors.New("field Source must not be specified")
		}
	default:
		return errors.New("mount type unknown")
	}
	return nil
}

// tmpfsOpts are a --mount tmpfs's size and mode as mount options.
func tmpfsOpts(o *mount.TmpfsOptions) []string {
	if o == nil {
		return nil
	}
	var out []string
	if o.SizeBytes > 0 {
		out = append(out, fmt.Sprintf("size=%d", o.SizeBytes))
	}
	if o.Mode != 0 {
		out = append(out, fmt.Sprintf("mode=%o", o.Mode.Perm()))
	}
	return out
}

// parseVolumesFrom reads a --volumes-from entry "container[:mode]" as
// dockerd: the mode is ro or rw; no propagation or copy mode.
func parseVolumesFrom(spec string) (id, mode string, err error) {
	if spec == "" {
		return "", "", invalidParam(errors.New("volumes-from specification cannot be an empty string"))
	}
	id, mode, _ = strings.Cut(spec, ":")
	if mode == "" {
		return id, "rw", nil
	}
	if !validMode(mode) || modePropagation(mode) != "" || modeHasNocopy(mode) {
		return "", "", invalidParam(fmt.Errorf("invalid mode: %v", mode))
	}
	return id, mode, nil
}

// userMounts reads -v and --mount in dockerd's order and checks their
// destinations: one mount per destination, none where a --tmpfs is.
// It does not touch the host or the volume service.
func userMounts(hc *container.HostConfig) ([]mountPoint, error) {
	var out []mountPoint
	seen := map[string]bool{}
	for d := range hc.Tmpfs {
		seen[path.Clean(d)] = true
	}
	dup := func(dest string) error {
		return errdefs.ErrInvalidArgument.WithMessage("Duplicate mount point: " + dest)
	}
	for _, b := range hc.Binds {
		m, err := parseBindSpec(b, hc.VolumeDriver)
		if err != nil {
			return nil, err
		}
		if seen[m.Destination] {
			return nil, dup(m.Destination)
		}
		seen[m.Destination] = true
		out = append(out, m)
	}
	for _, mt := range hc.Mounts {
		m, err := parseMountSpec(mt)
		if err != nil {
			return nil, invalidParam(err)
		}
		if seen[m.Destination] {
			return nil, dup(mt.Target)
		}
		seen[m.Destination] = true
		out = append(out, m)
	}
	return out, nil
}

// legacyMounts are the mounts of a record written before MountPoints
// existed: binds and tmpfs only.
func legacyMounts(hc *container.HostConfig) []mountPoint {
	var out []mountPoint
	for _, b := range hc.Binds {
		if m, err := parseBindSpec(b, ""); err == nil && m.Type == mount.TypeBind {
			out = append(out, m)
		}
	}
	for _, mt := range hc.Mounts {
		if m, err := parseMountSpec(mt); err == nil && mt.Type != mount.TypeVolume {
			out = append(out, m)
		}
	}
	sortMounts(out)
	return out
}

// mountsOf is a record's resolved mounts.
func mountsOf(rec *record) []mountPoint {
	if rec.MountPoints != nil || rec.HostConfig == nil {
		return rec.MountPoints
	}
	return legacyMounts(rec.HostConfig)
}

func sortMounts(mps []mountPoint) {
	sort.Slice(mps, func(i, j int) bool { return mps[i].Destination < mps[j].Destination })
}

// apiMounts is inspect's and ps's Mounts, in dockerd's shape.
func apiMounts(mps []mountPoint) []container.MountPoint {
	out := []container.MountPoint{}
	for _, m := range mps {
		out = append(out, container.MountPoint{
			Type: m.Type, Name: m.Name, Source: m.Source, Destination: m.Destination,
			Driver: m.Driver, Mode: m.Mode, RW: m.RW, Propagation: m.Propagation,
		})
	}
	return out
}

// resolveInMount maps a container path that lies under a bind or a volume
// to that mount and the path inside its source (nil otherwise). The
// deepest mount wins.
func resolveInMount(mps []mountPoint, p string) (mp *mountPoint, rel string) {
	p = filepath.Clean("/" + p)
	best := -1
	for i, m := range mps {
		if (m.Type != mount.TypeBind && m.Type != mount.TypeVolume) || m.Source == "" {
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
