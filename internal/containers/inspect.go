package containers

import (
	"context"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/storage"
)

// Inspect answers GET /containers/{id}/json.
func (s *Service) Inspect(ctx context.Context, idOrName string, size bool) (*container.InspectResponse, error) {
	c, err := s.get(idOrName)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	rec := c.rec
	removing := c.removing
	c.mu.Unlock()
	st := rec.State
	mps := mountsOf(&rec)
	resp := &container.InspectResponse{
		ID:      rec.ID,
		Created: rec.Created.Format(time.RFC3339Nano),
		Path:    rec.Path,
		Args:    nonNilStrings(rec.Args),
		State: &container.State{
			Status:     status(&st, removing),
			Running:    st.Running,
			Paused:     st.Paused,
			Restarting: st.Restarting,
			OOMKilled:  st.OOMKilled,
			Dead:       st.Dead,
			Pid:        st.Pid,
			ExitCode:   st.ExitCode,
			Error:      st.Error,
			StartedAt:  apiTime(st.StartedAt),
			FinishedAt: apiTime(st.FinishedAt),
			Health:     st.Health, // replaced, never changed in place (health.go)
		},
		Image:           rec.ImageID,
		ResolvConfPath:  rec.ResolvConfPath,
		HostnamePath:    rec.HostnamePath,
		HostsPath:       rec.HostsPath,
		LogPath:         rec.LogPath,
		Name:            rec.Name,
		RestartCount:    rec.RestartCount,
		Driver:          rec.Driver,
		Platform:        "linux",
		HostConfig:      rec.HostConfig,
		Mounts:          apiMounts(mps),
		Config:          rec.Config,
		NetworkSettings: networkSettings(&rec),
		ExecIDs:         s.execs.running(c),
	}
	if store, err := s.opt.Images.Store(ctx); err == nil {
		gd := &storage.DriverData{Name: rec.Driver, Data: map[string]string{}}
		if sc, err := store.Container(rec.ID); err == nil {
			if drv, err := store.GraphDriver(); err == nil {
				if md, err := drv.Metadata(sc.LayerID); err == nil {
					gd.Data = md
				}
			}
			if size {
				rw, _ := store.ContainerSize(rec.ID)
				img, _ := store.ImageSize(sc.ImageID)
				rootfs := rw + img
				resp.SizeRw, resp.SizeRootFs = &rw, &rootfs
			}
		}
		resp.GraphDriver = gd
	}
	return resp, nil
}

// networkSettings is the record's networks (addresses while it runs)
// and published ports, copied for a response.
func networkSettings(rec *record) *container.NetworkSettings {
	ns := &container.NetworkSettings{Ports: network.PortMap{}, Networks: map[string]*network.EndpointSettings{}}
	if r := rec.NetworkSettings; r != nil {
		ns.SandboxID, ns.SandboxKey = r.SandboxID, r.SandboxKey
		for k, v := range r.Ports {
			ns.Ports[k] = v
		}
		for k, v := range r.Networks {
			ns.Networks[k] = v.Copy()
		}
	}
	if mode := rec.HostConfig.NetworkMode; len(ns.Networks) == 0 && mode != "" && !mode.IsContainer() {
		ns.Networks[string(mode)] = &network.EndpointSettings{}
	}
	return ns
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
