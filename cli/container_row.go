package cli

import (
	"encoding/json"
	"fmt"
	"net"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/distribution/reference"
	"github.com/docker/go-units"
	"github.com/moby/moby/api/types/container"
)

// containerRow is one row of `ps`: the fields --format templates see,
// with docker's names and renderings.
type containerRow struct {
	c     container.Summary
	trunc bool
}

// ID is the container ID, 12 characters unless --no-trunc.
func (r *containerRow) ID() string {
	if r.trunc {
		return truncateID(r.c.ID)
	}
	return r.c.ID
}

// Names are the container's names without their leading "/"; truncated,
// only its own name (not the link names "other/alias").
func (r *containerRow) Names() string {
	names := make([]string, 0, len(r.c.Names))
	for _, n := range r.c.Names {
		names = append(names, strings.TrimPrefix(n, "/"))
	}
	if r.trunc {
		for _, n := range names {
			if !strings.Contains(n, "/") {
				return n
			}
		}
	}
	return strings.Join(names, ",")
}

// Image is the image as the container was created from, made familiar
// ("busybox:latest") or a short ID when truncating.
func (r *containerRow) Image() string {
	img := r.c.Image
	if img == "" {
		return "<no image>"
	}
	if !r.trunc {
		return img
	}
	if t := truncateID(r.c.ImageID); t == truncateID(img) {
		return t
	}
	ref, err := reference.ParseNormalizedNamed(img)
	if err != nil {
		return img
	}
	if nt, ok := ref.(reference.NamedTagged); ok {
		if tagged, err := reference.WithTag(reference.TrimNamed(nt), nt.Tag()); err == nil {
			return reference.FamiliarString(tagged)
		}
	}
	return reference.FamiliarString(reference.TrimNamed(ref))
}

// Command is the quoted command, cut to 20 characters with "…".
func (r *containerRow) Command() string {
	cmd := r.c.Command
	if r.trunc {
		cmd = ellipsis(cmd, 20)
	}
	return strconv.Quote(cmd)
}

// CreatedAt is the creation time as Go prints it, as docker does.
func (r *containerRow) CreatedAt() string { return time.Unix(r.c.Created, 0).String() }

// RunningFor is "5 minutes ago".
func (r *containerRow) RunningFor() string {
	return units.HumanDuration(time.Now().UTC().Sub(time.Unix(r.c.Created, 0))) + " ago"
}

// Ports are the container's ports as docker shows them.
func (r *containerRow) Ports() string { return displayPorts(r.c.Ports) }

// State is "running", "exited", ...
func (r *containerRow) State() string { return string(r.c.State) }

// Status is "Up 5 minutes", "Exited (0) 2 seconds ago", ...
func (r *containerRow) Status() string { return r.c.Status }

// Size is the writable layer's size, and the total when known.
func (r *containerRow) Size() string {
	rw := units.HumanSizeWithPrecision(float64(r.c.SizeRw), 3)
	if r.c.SizeRootFs > 0 {
		return fmt.Sprintf("%s (virtual %s)", rw, units.HumanSizeWithPrecision(float64(r.c.SizeRootFs), 3))
	}
	return rw
}

// Labels are k=v pairs, sorted, joined by commas.
func (r *containerRow) Labels() string {
	var l []string
	for k, v := range r.c.Labels {
		l = append(l, k+"="+v)
	}
	sort.Strings(l)
	return strings.Join(l, ",")
}

// Label is one label's value.
func (r *containerRow) Label(name string) string { return r.c.Labels[name] }

// Mounts are the volume names or bind sources, cut to 15 characters.
func (r *containerRow) Mounts() string {
	var out []string
	for _, m := range r.c.Mounts {
		name := m.Name
		if name == "" {
			name = m.Source
		}
		if r.trunc {
			name = ellipsis(name, 15)
		}
		out = append(out, name)
	}
	return strings.Join(out, ",")
}

// LocalVolumes counts the mounts of the local volume driver.
func (r *containerRow) LocalVolumes() string {
	n := 0
	for _, m := range r.c.Mounts {
		if m.Driver == "local" {
			n++
		}
	}
	return strconv.Itoa(n)
}

// Networks are the names of the container's networks.
func (r *containerRow) Networks() string {
	if r.c.NetworkSettings == nil {
		return ""
	}
	var n []string
	for k := range r.c.NetworkSettings.Networks {
		n = append(n, k)
	}
	sort.Strings(n)
	return strings.Join(n, ",")
}

// Platform is the image's os/arch when the daemon says.
func (r *containerRow) Platform() string {
	d := r.c.ImageManifestDescriptor
	if d == nil || d.Platform == nil {
		return ""
	}
	return d.Platform.OS + "/" + d.Platform.Architecture
}

// MarshalJSON gives `--format json` docker's keys.
func (r *containerRow) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{
		"Command": r.Command(), "CreatedAt": r.CreatedAt(), "ID": r.ID(), "Image": r.Image(),
		"Labels": r.Labels(), "LocalVolumes": r.LocalVolumes(), "Mounts": r.Mounts(), "Names": r.Names(),
		"Networks": r.Networks(), "Ports": r.Ports(), "RunningFor": r.RunningFor(), "Size": r.Size(),
		"State": r.State(), "Status": r.Status(), "Platform": r.Platform(),
	})
}

// displayPorts renders ports as docker's `ps` does: consecutive ports
// grouped into ranges ("80-81/tcp"), published ones as
// "0.0.0.0:8080->80/tcp", by private port.
func displayPorts(ports []container.PortSummary) string {
	type group struct{ first, last uint16 }
	ports = slices.Clone(ports)
	sort.Slice(ports, func(i, j int) bool {
		a, b := ports[i], ports[j]
		switch {
		case a.PrivatePort != b.PrivatePort:
			return a.PrivatePort < b.PrivatePort
		case a.IP != b.IP:
			return a.IP.Less(b.IP)
		case a.PublicPort != b.PublicPort:
			return a.PublicPort < b.PublicPort
		}
		return a.Type < b.Type
	})
	groups := map[string]*group{}
	var keys, result, mappings []string
	for _, p := range ports {
		key := p.Type
		if p.IP.IsValid() {
			ip := p.IP.String()
			if p.PublicPort != p.PrivatePort {
				mappings = append(mappings, fmt.Sprintf("%s->%d/%s", net.JoinHostPort(ip, strconv.Itoa(int(p.PublicPort))), p.PrivatePort, p.Type))
				continue
			}
			key = ip + "/" + p.Type
		}
		g := groups[key]
		switch {
		case g == nil:
			groups[key] = &group{p.PrivatePort, p.PrivatePort}
			keys = append(keys, key)
		case p.PrivatePort == g.last+1:
			g.last = p.PrivatePort
		default:
			result = append(result, portGroup(key, g.first, g.last))
			groups[key] = &group{p.PrivatePort, p.PrivatePort}
		}
	}
	for _, k := range keys {
		result = append(result, portGroup(k, groups[k].first, groups[k].last))
	}
	return strings.Join(append(result, mappings...), ", ")
}

func portGroup(key string, first, last uint16) string {
	ip, proto, hasIP := strings.Cut(key, "/")
	if !hasIP {
		ip, proto = "", key
	}
	s := strconv.Itoa(int(first))
	if first != last {
		s = fmt.Sprintf("%s-%d", s, last)
	}
	if ip != "" {
		s = fmt.Sprintf("%s->%s", net.JoinHostPort(ip, s), s)
	}
	return s + "/" + proto
}
