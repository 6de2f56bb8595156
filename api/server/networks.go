package server

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/moby/moby/api/types/network"

	"github.com/skiff-engine/skiff/api/httputils"
	"github.com/skiff-engine/skiff/internal/filters"
)

// networkListFilters are the keys GET /networks accepts; dockerd refuses
// any other with 400 "invalid filter '<key>'".
var networkListFilters = map[string]bool{
	"dangling": true, "driver": true, "id": true, "label": true,
	"name": true, "scope": true, "type": true,
}

// networkPruneFilters are the keys POST /networks/prune accepts.
var networkPruneFilters = map[string]bool{"until": true, "label": true, "label!": true}

// registerNetworkRoutes replaces the network stubs with handlers over
// opts.Networks. Handlers stay thin: decode, call, encode; the backend
// resolves names, checks the request and owns the error kinds.
func (s *Server) registerNetworkRoutes() {
	b := s.opts.Networks
	if b == nil {
		return
	}
	n := &networkRoutes{b: b}
	s.Handle("GET /networks", n.list)
	s.Handle("GET /networks/{id}", n.inspect)
	s.Handle("POST /networks/create", n.create)
	s.Handle("DELETE /networks/{id}", n.remove)
	s.Handle("POST /networks/prune", n.prune)
	s.Handle("POST /networks/{id}/connect", n.connect)
	s.Handle("POST /networks/{id}/disconnect", n.disconnect)
}

// networkRoutes holds the network handlers' one dependency.
type networkRoutes struct {
	b NetworksBackend
}

// queryFilters parses the "filters" parameter and checks its keys.
func queryFilters(r *http.Request, accepted map[string]bool) (filters.Args, error) {
	f, err := filters.Parse(r.URL.Query().Get("filters"))
	if err != nil {
		return f, err
	}
	return f, f.Validate(accepted)
}

func (n *networkRoutes) list(w http.ResponseWriter, r *http.Request) error {
	f, err := queryFilters(r, networkListFilters)
	if err != nil {
		return err
	}
	list, err := n.b.ListNetworks(r.Context(), f)
	if err != nil {
		return err
	}
	if list == nil {
		list = []network.Summary{} // "[]", never "null", as dockerd
	}
	return httputils.WriteJSON(w, http.StatusOK, list)
}

func (n *networkRoutes) inspect(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var verbose bool
	if v := q.Get("verbose"); v != "" {
		var err error
		if verbose, err = strconv.ParseBool(v); err != nil {
			return httputils.InvalidParameter(fmt.Errorf("invalid value for verbose: %s: %w", v, err))
		}
	}
	resp, err := n.b.InspectNetwork(r.Context(), r.PathValue("id"), verbose, q.Get("scope"))
	if err != nil {
		return err
	}
	return httputils.WriteJSON(w, http.StatusOK, resp)
}

func (n *networkRoutes) create(w http.ResponseWriter, r *http.Request) error {
	var req network.CreateRequest
	if err := httputils.ReadJSON(r, &req); err != nil {
		return err
	}
	// EnableIPv4 came with API 1.48; older clients cannot have meant it.
	// CheckDuplicate (gone from the type) is ignored: since API 1.44 a
	// duplicate name is always a conflict.
	if httputils.VersionLessThan(httputils.VersionFromContext(r.Context()), "1.48") {
		req.EnableIPv4 = nil
	}
	resp, err := n.b.CreateNetwork(r.Context(), req)
	if err != nil {
		return err
	}
	return httputils.WriteJSON(w, http.StatusCreated, resp)
}

func (n *networkRoutes) remove(w http.ResponseWriter, r *http.Request) error {
	if err := n.b.RemoveNetwork(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	return noContent(w)
}

func (n *networkRoutes) prune(w http.ResponseWriter, r *http.Request) error {
	f, err := queryFilters(r, networkPruneFilters)
	if err != nil {
		return err
	}
	report, err := n.b.PruneNetworks(r.Context(), f)
	if err != nil {
		return err
	}
	return httputils.WriteJSON(w, http.StatusOK, report)
}

func (n *networkRoutes) connect(w http.ResponseWriter, r *http.Request) error {
	var req network.ConnectRequest
	if err := httputils.ReadJSON(r, &req); err != nil {
		return err
	}
	if err := n.b.ConnectNetwork(r.Context(), r.PathValue("id"), req); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

func (n *networkRoutes) disconnect(w http.ResponseWriter, r *http.Request) error {
	var req network.DisconnectRequest
	if err := httputils.ReadJSON(r, &req); err != nil {
		return err
	}
	if err := n.b.DisconnectNetwork(r.Context(), r.PathValue("id"), req); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
