package server

import (
	"errors"
	"net/http"

	"github.com/moby/moby/api/types/volume"

	"github.com/skiff-engine/skiff/api/httputils"
	"github.com/skiff-engine/skiff/internal/filters"
)

// errNoSwarm is dockerd's answer to cluster-volume requests on a node
// that is not a swarm manager.
var errNoSwarm = errors.New(`This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.`)

// registerVolumeRoutes replaces the volume stubs with handlers over
// opts.Volumes. The backend validates names, options and filter keys.
func (s *Server) registerVolumeRoutes() {
	b := s.opts.Volumes
	if b == nil {
		return
	}
	v := &volumeRoutes{b: b}
	s.Handle("GET /volumes", v.list)
	s.Handle("GET /volumes/{name}", v.inspect)
	s.Handle("POST /volumes/create", v.create)
	s.Handle("PUT /volumes/{name}", v.update)
	s.Handle("DELETE /volumes/{name}", v.remove)
	s.Handle("POST /volumes/prune", v.prune)
}

// volumeRoutes holds the volume handlers' one dependency.
type volumeRoutes struct {
	b VolumesBackend
}

func (v *volumeRoutes) list(w http.ResponseWriter, r *http.Request) error {
	f, err := filters.Parse(r.URL.Query().Get("filters"))
	if err != nil {
		return err
	}
	vols, warnings, err := v.b.List(r.Context(), f)
	if err != nil {
		return err
	}
	resp := volume.ListResponse{Volumes: make([]volume.Volume, 0, len(vols)), Warnings: warnings}
	for _, vol := range vols {
		resp.Volumes = append(resp.Volumes, *vol)
	}
	return httputils.WriteJSON(w, http.StatusOK, resp)
}

func (v *volumeRoutes) inspect(w http.ResponseWriter, r *http.Request) error {
	vol, err := v.b.Get(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	return httputils.WriteJSON(w, http.StatusOK, vol)
}

func (v *volumeRoutes) create(w http.ResponseWriter, r *http.Request) error {
	var req volume.CreateRequest
	if err := httputils.ReadJSON(r, &req); err != nil {
		return err
	}
	if req.ClusterVolumeSpec != nil && !httputils.VersionLessThan(httputils.VersionFromContext(r.Context()), "1.42") {
		return httputils.Unavailable(errNoSwarm)
	}
	vol, err := v.b.Create(r.Context(), req.Name, req.Driver, req.DriverOpts, req.Labels)
	if err != nil {
		return err
	}
	return httputils.WriteJSON(w, http.StatusCreated, vol)
}

// update is PUT /volumes/{name}, for cluster volumes only.
func (v *volumeRoutes) update(w http.ResponseWriter, r *http.Request) error {
	return httputils.Unavailable(errors.New("volume update only valid for cluster volumes, but swarm is unavailable"))
}

func (v *volumeRoutes) remove(w http.ResponseWriter, r *http.Request) error {
	if err := v.b.Remove(r.Context(), r.PathValue("name"), formBool(r.URL.Query(), "force")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (v *volumeRoutes) prune(w http.ResponseWriter, r *http.Request) error {
	f, err := filters.Parse(r.URL.Query().Get("filters"))
	if err != nil {
		return err
	}
	// Before API 1.42 prune removed every unused volume, named or not.
	if httputils.VersionLessThan(httputils.VersionFromContext(r.Context()), "1.42") && !f.Contains("all") {
		f.Add("all", "true")
	}
	rep, err := v.b.Prune(r.Context(), f)
	if err != nil {
		return err
	}
	if rep.VolumesDeleted == nil {
		rep.VolumesDeleted = []string{}
	}
	return httputils.WriteJSON(w, http.StatusOK, rep)
}
