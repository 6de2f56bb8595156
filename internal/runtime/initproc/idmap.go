package initproc

import (
	"bufio"
	"io"
	"os"
	"strconv"
	"strings"
)

// idRange is one line of /proc/self/uid_map or gid_map.
type idRange struct{ inside, outside, size uint64 }

// parseIDMap parses the format of /proc/<pid>/[ug]id_map.
func parseIDMap(r io.Reader) ([]idRange, error) {
	var out []idRange
	s := bufio.NewScanner(r)
	for s.Scan() {
		f := strings.Fields(s.Text())
		if len(f) == 0 {
			continue
		}
		if len(f) != 3 {
			return nil, &os.PathError{Op: "parse", Path: "id map", Err: strconv.ErrSyntax}
		}
		var n [3]uint64
		for i := range f {
			v, err := strconv.ParseUint(f[i], 10, 64)
			if err != nil {
				return nil, err
			}
			n[i] = v
		}
		out = append(out, idRange{inside: n[0], outside: n[1], size: n[2]})
	}
	return out, s.Err()
}

// mapped reports whether id (as seen inside) has a mapping.
func mapped(ranges []idRange, id uint64) bool {
	for _, r := range ranges {
		if id >= r.inside && id-r.inside < r.size {
			return true
		}
	}
	return false
}

// isFullMap reports whether ranges are the initial namespace's identity map.
func isFullMap(ranges []idRange) bool {
	return len(ranges) == 1 && ranges[0].inside == 0 && ranges[0].outside == 0 && ranges[0].size == 4294967295
}

func readIDMap(path string) ([]idRange, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseIDMap(f)
}

// gidsMapped reports whether every gid is mapped in init's user namespace.
func gidsMapped(gids ...int) bool {
	m, err := readIDMap("/proc/self/gid_map")
	if err != nil {
		return false
	}
	for _, g := range gids {
		if !mapped(m, uint64(g)) {
			return false
		}
	}
	return true
}

// inUserNS reports whether init runs in a user namespace other than the
// initial one (rootless): then mknod, some mounts and flags are refused.
func inUserNS() bool {
	m, err := readIDMap("/proc/self/uid_map")
	return err == nil && !isFullMap(m)
}

// setgroupsDenied reports whether /proc/self/setgroups says deny.
func setgroupsDenied() bool {
	b, err := os.ReadFile("/proc/self/setgroups")
	return err == nil && strings.TrimSpace(string(b)) == "deny"
}
