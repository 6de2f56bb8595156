package volumes

import (
	"context"
	"errors"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/api/types/volume"

	"github.com/skiff-engine/skiff/internal/filters"
	"github.com/skiff-engine/skiff/internal/volumes/plugin"
)

// listFilters are the keys GET /volumes accepts, as dockerd's.
var listFilters = map[string]bool{"dangling": true, "driver": true, "label": true, "name": true}

// pluginListTimeout bounds how long `volume ls` waits for a plugin.
const pluginListTimeout = 10 * time.Second

// Get returns the volume name; for a plugin volume it asks the plugin for
// its mountpoint and status. 404 "get <name>: no such volume" as dockerd.
func (s *Service) Get(ctx context.Context, name string) (volume.Volume, error) {
	v := s.lookup(name)
	if v == nil {
		return volume.Volume{}, errNoSuchVolume(name)
	}
	if v.Driver == LocalDriver {
		return s.toAPI(v), nil
	}
	unlock := s.locks.lock(name)
	defer unlock()
	c, err := s.plugins.get(ctx, v.Driver)
	if err != nil {
		return volume.Volume{}, opErr("get", name, err)
	}
	pv, err := c.Get(ctx, name)
	if err != nil {
		var ue *plugin.UnavailableError
		if errors.As(err, &ue) {
			s.plugins.forget(v.Driver, err)
			return volume.Volume{}, opErr("get", name, err)
		}
		// The plugin no longer has it: forget it, as dockerd does.
		s.log.Warn().Err(err).Str("volume", name).Str("driver", v.Driver).Msg("the plugin does not know the volume any more; dropping it")
		s.drop(v)
		return volume.Volume{}, errNoSuchVolume(name)
	}
	s.mu.Lock()
	if pv.Mountpoint != "" {
		v.mountpoint = pv.Mountpoint
	}
	v.scope = c.scope
	s.mu.Unlock()
	out := s.toAPI(v)
	if len(pv.Status) > 0 {
		out.Status = pv.Status
	}
	if t, err := time.Parse(time.RFC3339Nano, pv.CreatedAt); err == nil {
		out.CreatedAt = t.Format(time.RFC3339)
	}
	return out, nil
}

// List returns the volumes matching f (dangling, driver, label, name),
// those of the plugins in the plugin directories included. A plugin that
// does not answer is a warning, not an error.
func (s *Service) List(ctx context.Context, f filters.Args) ([]*volume.Volume, []string, error) {
	if err := f.Validate(listFilters); err != nil {
		return nil, nil, err
	}
	var dangling, checkDangling bool
	if f.Contains("dangling") {
		d, err := f.GetBoolOrDefault("dangling", false)
		if err != nil {
			return nil, nil, err
		}
		dangling, checkDangling = d, true
	}
	s.mu.Lock()
	known := make([]*vol, 0, len(s.vols))
	for _, v := range s.vols {
		known = append(known, v)
	}
	s.mu.Unlock()

	out := []*volume.Volume{}
	for _, v := range known {
		a := s.toAPI(v)
		out = append(out, &a)
	}
	extra, warnings := s.pluginVolumes(ctx, f, known)
	out = append(out, extra...)

	var users map[string][]string
	if checkDangling {
		users = s.userIndex()
	}
	kept := out[:0]
	for _, a := range out {
		if !f.ExactMatch("driver", a.Driver) || !f.Match("name", a.Name) || !f.MatchKVList("label", a.Labels) {
			continue
		}
		if checkDangling {
			referenced := false
			if v := s.lookup(a.Name); v != nil {
				referenced = len(s.inUse(v, users)) > 0
			}
			if referenced == dangling {
				continue
			}
		}
		kept = append(kept, a)
	}
	slices.SortFunc(kept, func(a, b *volume.Volume) int { return strings.Compare(a.Name, b.Name) })
	return kept, warnings, nil
}

// pluginVolumes asks each plugin (in the plugin directories, or owning a
// known volume) for its volumes, concurrently, and returns those the
// service does not know. A failing plugin is a warning "list <driver>: …".
func (s *Service) pluginVolumes(ctx context.Context, f filters.Args, known []*vol) ([]*volume.Volume, []string) {
	names := map[string]bool{}
	for _, n := range s.plugins.names() {
		names[n] = true
	}
	for _, v := range known {
		if v.Driver != LocalDriver {
			names[v.Driver] = true
		}
	}
	have := map[string]bool{}
	for _, v := range known {
		have[v.Name] = true
	}
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		out      []*volume.Volume
		warnings []string
	)
	ctx, cancel := context.WithTimeout(ctx, pluginListTimeout)
	defer cancel()
	for n := range names {
		if !f.ExactMatch("driver", n) {
			continue
		}
		wg.Add(1)
		go func(driver string) {
			defer wg.Done()
			c, err := s.plugins.get(ctx, driver)
			var ls []plugin.Volume
			if err == nil {
				ls, err = c.List(ctx)
				s.plugins.forget(driver, err)
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				warnings = append(warnings, opErr("list", driver, err).Error())
				return
			}
			for _, pv := range ls {
				if have[pv.Name] {
					continue
				}
				out = append(out, &volume.Volume{Name: pv.Name, Driver: driver, Mountpoint: pv.Mountpoint, Scope: c.scope})
			}
		}(n)
	}
	wg.Wait()
	slices.Sort(warnings)
	return out, warnings
}

// toAPI describes v as the API does.
func (s *Service) toAPI(v *vol) volume.Volume {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := volume.Volume{
		Name:      v.Name,
		Driver:    v.Driver,
		Labels:    maps.Clone(v.Labels),
		Options:   maps.Clone(v.Options),
		Scope:     v.scope,
		CreatedAt: v.CreatedAt.Format(time.RFC3339),
	}
	if v.Driver == LocalDriver {
		a.Mountpoint = s.dataPath(v.Name)
	} else {
		a.Mountpoint = v.mountpoint
	}
	return a
}

// drop forgets a volume whose plugin no longer has it.
func (s *Service) drop(v *vol) {
	s.mu.Lock()
	delete(s.vols, v.Name)
	s.mu.Unlock()
	if err := os.RemoveAll(s.volDir(v.Name)); err != nil {
		s.log.Warn().Err(err).Str("volume", v.Name).Msg("removing volume metadata")
	}
}
