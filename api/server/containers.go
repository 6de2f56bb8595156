package server

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/moby/moby/api/types/container"
	"github.com/skiff-engine/skiff/api/httputils"
)

// registerContainerRoutes replaces the container stubs with handlers over
// opts.Containers. /containers/{id}/attach/ws and /resize stay stubs, and
// exec is served elsewhere.
func (s *Server) registerContainerRoutes() {
	b := s.opts.Containers
	if b == nil {
		return
	}
	c := &containerRoutes{b: b}
	s.Handle("POST /containers/create", c.create)
	s.Handle("POST /containers/{id}/start", c.start)
	s.Handle("POST /containers/{id}/stop", c.stop)
	s.Handle("POST /containers/{id}/restart", c.restart)
	s.Handle("POST /containers/{id}/kill", c.kill)
	s.Handle("POST /containers/{id}/wait", c.wait)
	s.Handle("DELETE /containers/{id}", c.remove)
	s.Handle("POST /containers/{id}/pause", c.pause)
	s.Handle("POST /containers/{id}/unpause", c.unpause)
	s.Handle("POST /containers/{id}/rename", c.rename)
	s.Handle("POST /containers/{id}/update", c.update)
	s.Handle("GET /containers/{id}/top", c.top)
	s.Handle("GET /containers/{id}/logs", c.logs)
	s.Handle("GET /containers/json", c.list)
	s.Handle("GET /containers/{id}/json", c.inspect)
	s.Handle("POST /containers/prune", c.prune)
	s.Handle("GET /containers/{id}/changes", c.changes)
	s.Handle("GET /containers/{id}/stats", c.stats)
	s.Handle("GET /containers/{id}/export", c.export)
	s.Handle("HEAD /containers/{id}/archive", c.statArchive)
	s.Handle("GET /containers/{id}/archive", c.getArchive)
	s.Handle("PUT /containers/{id}/archive", c.putArchive)
	s.Handle("POST /commit", c.commit)
	s.Handle("POST /containers/{id}/attach", c.attach)
	s.Handle("GET /containers/{id}/attach/ws", c.attachWS)
	s.Handle("POST /containers/{id}/resize", c.resize)
}

// containerRoutes holds the container handlers' one dependency.
type containerRoutes struct {
	b ContainersBackend
}

func noContent(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// startBodyMinLen is the shortest non-empty JSON object a pre-1.24 client
// could send as a HostConfig ("{}" and "null" are shorter).
const startBodyMinLen = 7

func (c *containerRoutes) start(w http.ResponseWriter, r *http.Request) error {
	// Clients before API 1.24 could pass a HostConfig here; dockerd refuses
	// any body that could hold one. ContentLength -1 is a chunked body.
	if r.ContentLength > startBodyMinLen || r.ContentLength == -1 {
		return httputils.InvalidParameter(errors.New("starting container with non-empty request body was deprecated since API v1.22 and removed in v1.24"))
	}
	if q := r.URL.Query(); q.Get("checkpoint") != "" {
		return httputils.NotImplemented(errors.New("checkpoint restore is not supported by skiff"))
	}
	if err := c.b.Start(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	return noContent(w)
}

// stopSignal reads "signal", which stop and restart honour from API 1.42.
func stopSignal(r *http.Request) string {
	if httputils.VersionLessThan(httputils.VersionFromContext(r.Context()), "1.42") {
		return ""
	}
	return r.URL.Query().Get("signal")
}

func (c *containerRoutes) stop(w http.ResponseWriter, r *http.Request) error {
	t, err := formTimeout(r.URL.Query())
	if err != nil {
		return err
	}
	if err := c.b.Stop(r.Context(), r.PathValue("id"), stopSignal(r), t); err != nil {
		return err
	}
	return noContent(w)
}

func (c *containerRoutes) restart(w http.ResponseWriter, r *http.Request) error {
	t, err := formTimeout(r.URL.Query())
	if err != nil {
		return err
	}
	if err := c.b.Restart(r.Context(), r.PathValue("id"), stopSignal(r), t); err != nil {
		return err
	}
	return noContent(w)
}

func (c *containerRoutes) kill(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := c.b.Kill(r.Context(), id, r.URL.Query().Get("signal")); err != nil {
		// dockerd's wording; %w keeps the error's kind (409, 404...).
		return fmt.Errorf("cannot kill container: %s: %w", id, err)
	}
	return noContent(w)
}

func (c *containerRoutes) remove(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	opts := RemoveOptions{Force: formBool(q, "force"), RemoveVolumes: formBool(q, "v"), RemoveLink: formBool(q, "link")}
	if err := c.b.Remove(r.Context(), r.PathValue("id"), opts); err != nil {
		return err
	}
	return noContent(w)
}

func (c *containerRoutes) pause(w http.ResponseWriter, r *http.Request) error {
	if err := c.b.Pause(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	return noContent(w)
}

func (c *containerRoutes) unpause(w http.ResponseWriter, r *http.Request) error {
	if err := c.b.Unpause(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	return noContent(w)
}

func (c *containerRoutes) rename(w http.ResponseWriter, r *http.Request) error {
	name := r.URL.Query().Get("name")
	if name == "" {
		return httputils.InvalidParameter(errors.New("Neither old nor new names may be empty"))
	}
	if err := c.b.Rename(r.Context(), r.PathValue("id"), name); err != nil {
		return err
	}
	return noContent(w)
}

func (c *containerRoutes) update(w http.ResponseWriter, r *http.Request) error {
	var cfg container.UpdateConfig
	if err := httputils.ReadJSON(r, &cfg); err != nil {
		return err
	}
	if httputils.VersionLessThan(httputils.VersionFromContext(r.Context()), "1.40") {
		cfg.PidsLimit = nil // added in 1.40: older clients cannot mean it
	}
	if cfg.PidsLimit != nil && *cfg.PidsLimit <= 0 {
		// 0, -1 and (historically) any negative value all mean unlimited.
		var unlimited int64
		cfg.PidsLimit = &unlimited
	}
	resp, err := c.b.Update(r.Context(), r.PathValue("id"), &cfg)
	if err != nil {
		return err
	}
	if resp.Warnings == nil {
		resp.Warnings = []string{}
	}
	return httputils.WriteJSON(w, http.StatusOK, resp)
}

func (c *containerRoutes) top(w http.ResponseWriter, r *http.Request) error {
	resp, err := c.b.Top(r.Context(), r.PathValue("id"), r.URL.Query().Get("ps_args"))
	if err != nil {
		return err
	}
	return httputils.WriteJSON(w, http.StatusOK, resp)
}

func (c *containerRoutes) commit(w http.ResponseWriter, r *http.Request) error {
	// The body is an optional bare container.Config; "null" or nothing
	// means no overrides.
	var cfg *container.Config
	if err := httputils.ReadJSON(r, &cfg); err != nil {
		return err
	}
	q := r.URL.Query()
	id, err := c.b.Commit(r.Context(), CommitOptions{
		Container: q.Get("container"),
		Repo:      q.Get("repo"),
		Tag:       q.Get("tag"),
		Comment:   q.Get("comment"),
		Author:    q.Get("author"),
		Changes:   q["changes"],
		Pause:     formBoolDefault(q, "pause", true),
		Config:    cfg,
	})
	if err != nil {
		return err
	}
	return httputils.WriteJSON(w, http.StatusCreated, container.CommitResponse{ID: id})
}
