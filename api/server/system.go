package server

import (
	"net/http"

	"github.com/skiff-engine/skiff/api/httputils"
)

// registerSystemRoutes replaces the stubs of the routes New serves itself.
func (s *Server) registerSystemRoutes() {
	s.Handle("GET /_ping", ping)
	s.Handle("HEAD /_ping", ping)
	if s.opts.System == nil {
		return
	}
	s.Handle("GET /version", s.getVersion)
	s.Handle("GET /info", s.getInfo)
	s.Handle("GET /events", s.getEvents)
}

// ping answers GET and HEAD /_ping with the headers clients negotiate from:
// Api-Version (set for every response), Builder-Version "1" because skiff's
// builder is the classic one (BuildKit would be "2"), and Swarm "inactive".
func ping(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Add("Cache-Control", "no-cache, no-store, must-revalidate")
	h.Add("Pragma", "no-cache")
	h.Set("Builder-Version", "1")
	h.Set("Swarm", "inactive")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	if r.Method == http.MethodHead {
		h.Set("Content-Length", "0")
		return nil
	}
	_, err := w.Write([]byte("OK"))
	return err
}

func (s *Server) getVersion(w http.ResponseWriter, r *http.Request) error {
	return httputils.WriteJSON(w, http.StatusOK, s.opts.System.Version(r.Context()))
}

func (s *Server) getInfo(w http.ResponseWriter, r *http.Request) error {
	info, err := s.opts.System.Info(r.Context())
	if err != nil {
		return err
	}
	return httputils.WriteJSON(w, http.StatusOK, info)
}
