package cli

import (
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/docker/go-units"
	"github.com/moby/moby/api/types/mount"
)

// parseMounts reads --mount values (CSV key=value fields, docker's
// syntax) into API mounts; the daemon decides what it supports.
func parseMounts(values []string) ([]mount.Mount, error) {
	var out []mount.Mount
	for _, v := range values {
		m, err := parseMount(v)
		if err != nil {
			return nil, &flagValueError{"--mount", v, err}
		}
		out = append(out, m)
	}
	return out, nil
}

func parseMount(value string) (mount.Mount, error) {
	m := mount.Mount{Type: mount.TypeVolume}
	value = strings.TrimSpace(value)
	if value == "" {
		return m, errors.New("value is empty")
	}
	fields, err := csv.NewReader(strings.NewReader(value)).Read()
	if err != nil {
		return m, err
	}
	for _, field := range fields {
		key, val, hasValue := strings.Cut(field, "=")
		if k := strings.TrimSpace(key); k != key {
			return m, fmt.Errorf("invalid option '%s' in '%s': option should not have whitespace", k, field)
		}
		if hasValue {
			if v := strings.TrimSpace(val); v == "" {
				return m, fmt.Errorf("invalid value for '%s': value is empty", key)
			} else if v != val {
				return m, fmt.Errorf("invalid value for '%s' in '%s': value should not have whitespace", key, field)
			}
		}
		key = strings.ToLower(key)
		if !hasValue {
			switch key {
			case "readonly", "ro", "volume-nocopy", "bind-create-src":
			default:
				return m, fmt.Errorf("invalid field '%s' must be a key=value pair", field)
			}
		}
		if err := setMountField(&m, key, val, hasValue); err != nil {
			return m, err
		}
	}
	return m, validateMount(m)
}

func setMountField(m *mount.Mount, key, val string, hasValue bool) error {
	var err error
	switch key {
	case "type":
		m.Type = mount.Type(strings.ToLower(val))
	case "source", "src":
		m.Source = val
		if !filepath.IsAbs(val) && strings.HasPrefix(val, ".") {
			if abs, err := filepath.Abs(val); err == nil {
				m.Source = abs
			}
		}
	case "target", "dst", "destination":
		m.Target = val
	case "readonly", "ro":
		m.ReadOnly, err = mountBool(key, val, hasValue)
	case "consistency":
		m.Consistency = mount.Consistency(strings.ToLower(val))
	case "bind-propagation":
		ensure(&m.BindOptions).Propagation = mount.Propagation(strings.ToLower(val))
	case "bind-recursive":
		switch val {
		case "enabled":
		case "disabled":
			ensure(&m.BindOptions).NonRecursive = true
		case "writable":
			ensure(&m.BindOptions).ReadOnlyNonRecursive = true
		case "readonly":
			ensure(&m.BindOptions).ReadOnlyForceRecursive = true
		default:
			return fmt.Errorf(`invalid value for %s: %s (must be "enabled", "disabled", "writable", or "readonly")`, key, val)
		}
	case "bind-create-src":
		ensure(&m.BindOptions).CreateMountpoint, err = mountBool(key, val, hasValue)
	case "volume-subpath":
		ensure(&m.VolumeOptions).Subpath = val
	case "volume-nocopy":
		ensure(&m.VolumeOptions).NoCopy, err = mountBool(key, val, hasValue)
	case "volume-label":
		o := ensure(&m.VolumeOptions)
		o.Labels = addKV(o.Labels, val)
	case "volume-driver":
		ensure(&ensure(&m.VolumeOptions).DriverConfig).Name = val
	case "volume-opt":
		d := ensure(&ensure(&m.VolumeOptions).DriverConfig)
		d.Options = addKV(d.Options, val)
	case "image-subpath":
		ensure(&m.ImageOptions).Subpath = val
	case "tmpfs-size":
		n, perr := units.RAMInBytes(val)
		if perr != nil {
			return fmt.Errorf("invalid value for %s: %s", key, val)
		}
		ensure(&m.TmpfsOptions).SizeBytes = n
	case "tmpfs-mode":
		n, perr := strconv.ParseUint(val, 8, 32)
		if perr != nil {
			return fmt.Errorf("invalid value for %s: %s", key, val)
		}
		ensure(&m.TmpfsOptions).Mode = os.FileMode(n)
	default:
		return fmt.Errorf("unknown option '%s' in '%s'", key, key+"="+val)
	}
	return err
}

// validateMount rejects options of another mount type, as docker does.
func validateMount(m mount.Mount) error {
	if m.Target == "" {
		return errors.New("target is required")
	}
	if m.BindOptions != nil && m.Type != mount.TypeBind {
		return fmt.Errorf("cannot mix 'bind-*' options with mount type '%s'", m.Type)
	}
	if m.VolumeOptions != nil && m.Type != mount.TypeVolume {
		return fmt.Errorf("cannot mix 'volume-*' options with mount type '%s'", m.Type)
	}
	if m.TmpfsOptions != nil && m.Type != mount.TypeTmpfs {
		return fmt.Errorf("cannot mix 'tmpfs-*' options with mount type '%s'", m.Type)
	}
	if m.ImageOptions != nil && m.Type != mount.TypeImage {
		return fmt.Errorf("cannot mix 'image-*' options with mount type '%s'", m.Type)
	}
	return nil
}

func mountBool(key, val string, hasValue bool) (bool, error) {
	if !hasValue {
		return true, nil
	}
	switch strings.ToLower(val) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, fmt.Errorf(`invalid value for '%s': invalid boolean value (%q): must be one of "true", "1", "false", or "0" (default "true")`, key, val)
}

func addKV(m map[string]string, kv string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	k, v, _ := strings.Cut(kv, "=")
	m[k] = v
	return m
}

// ensure returns *p, allocating it first when nil: the option structs of
// a mount exist only once one of their fields is set.
func ensure[T any](p **T) *T {
	if *p == nil {
		*p = new(T)
	}
	return *p
}
