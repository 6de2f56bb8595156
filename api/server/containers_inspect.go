package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/moby/moby/api/types/container"
	"github.com/skiff-engine/skiff/api/httputils"
	"github.com/skiff-engine/skiff/internal/filters"
)

func (c *containerRoutes) list(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f, err := filters.Parse(q.Get("filters"))
	if err != nil {
		return err
	}
	// before and since were query parameters before they were filters.
	for _, key := range []string{"before", "since"} {
		if v := q.Get(key); v != "" {
			f.Add(key, v)
		}
	}
	opts := ListOptions{All: formBool(q, "all"), Size: formBool(q, "size"), Filters: f}
	if v := q.Get("limit"); v != "" {
		if opts.Limit, err = strconv.Atoi(v); err != nil {
			return httputils.InvalidParameter(fmt.Errorf("invalid value for limit: %q: must be an integer", v))
		}
	}
	list, err := c.b.List(r.Context(), opts)
	if err != nil {
		return err
	}
	if list == nil {
		list = []container.Summary{}
	}
	v := httputils.VersionFromContext(r.Context())
	// Hide fields that did not exist in the client's API version.
	for i := range list {
		if httputils.VersionLessThan(v, "1.46") {
			list[i].HostConfig.Annotations = nil
		}
		if httputils.VersionLessThan(v, "1.48") {
			list[i].ImageManifestDescriptor = nil
		}
		if httputils.VersionLessThan(v, "1.52") {
			list[i].Health = nil
		}
	}
	return httputils.WriteJSON(w, http.StatusOK, list)
}

func (c *containerRoutes) inspect(w http.ResponseWriter, r *http.Request) error {
	resp, err := c.b.Inspect(r.Context(), r.PathValue("id"), formBool(r.URL.Query(), "size"))
	if err != nil {
		return err
	}
	v := httputils.VersionFromContext(r.Context())
	if httputils.VersionLessThan(v, "1.48") {
		resp.ImageManifestDescriptor = nil
	}
	if httputils.VersionLessThan(v, "1.52") {
		body, err := withBridgeFields(resp)
		if err != nil {
			return err
		}
		return httputils.WriteJSON(w, http.StatusOK, body)
	}
	return httputils.WriteJSON(w, http.StatusOK, resp)
}

// bridgeFields are the default bridge endpoint's settings that API < 1.52
// also shows at the top of NetworkSettings (docker-py reads IPAddress
// there).
var bridgeFields = []string{"EndpointID", "Gateway", "GlobalIPv6Address", "GlobalIPv6PrefixLen", "IPAddress", "IPPrefixLen", "IPv6Gateway", "MacAddress"}

// withBridgeFields returns resp as JSON with the bridge endpoint's fields
// copied into NetworkSettings, or resp itself when it has no bridge
// endpoint.
func withBridgeFields(resp *container.InspectResponse) (any, error) {
	if resp.NetworkSettings == nil || resp.NetworkSettings.Networks[defaultNetwork] == nil {
		return resp, nil
	}
	var doc, ns, ep map[string]json.RawMessage
	if err := remarshal(resp, &doc); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(doc["NetworkSettings"], &ns); err != nil {
		return nil, err
	}
	if err := remarshal(resp.NetworkSettings.Networks[defaultNetwork], &ep); err != nil {
		return nil, err
	}
	for _, k := range bridgeFields {
		if val, ok := ep[k]; ok {
			ns[k] = val
		}
	}
	raw, err := json.Marshal(ns)
	if err != nil {
		return nil, err
	}
	doc["NetworkSettings"] = raw
	return doc, nil
}

func remarshal(v any, out any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

func (c *containerRoutes) prune(w http.ResponseWriter, r *http.Request) error {
	f, err := filters.Parse(r.URL.Query().Get("filters"))
	if err != nil {
		return err
	}
	report, err := c.b.Prune(r.Context(), f)
	if err != nil {
		return err
	}
	return httputils.WriteJSON(w, http.StatusOK, report)
}

func (c *containerRoutes) changes(w http.ResponseWriter, r *http.Request) error {
	list, err := c.b.Changes(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if list == nil {
		list = []container.FilesystemChange{}
	}
	return httputils.WriteJSON(w, http.StatusOK, list)
}

func (c *containerRoutes) stats(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	opts := StatsOptions{Stream: formBoolDefault(q, "stream", true)}
	if !httputils.VersionLessThan(httputils.VersionFromContext(r.Context()), "1.41") {
		opts.OneShot = formBoolDefault(q, "one-shot", false)
	}
	ctx, cancel := streamContext(r)
	defer cancel()
	var out *httputils.JSONStreamWriter
	emit := func(s *container.StatsResponse) error {
		if out == nil {
			// The first sample proves the container exists: start the answer.
			out = httputils.NewJSONStreamWriter(w, httputils.MediaTypeJSON)
		}
		return out.Encode(s)
	}
	return c.b.Stats(ctx, r.PathValue("id"), opts, emit)
}
