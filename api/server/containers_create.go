package server

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/skiff-engine/skiff/api/httputils"
)

// defaultNetwork is what NetworkMode "" and "default" mean on Linux.
const defaultNetwork = "bridge"

func (c *containerRoutes) create(w http.ResponseWriter, r *http.Request) error {
	var req container.CreateRequest
	if err := httputils.ReadJSON(r, &req); err != nil {
		return err
	}
	if req.Config == nil {
		return httputils.InvalidParameter(errors.New("config cannot be empty in order to create a container"))
	}
	v := httputils.VersionFromContext(r.Context())
	platform := ""
	if !httputils.VersionLessThan(v, "1.41") {
		platform = r.URL.Query().Get("platform")
		if platform != "" {
			if _, err := parsePlatform(platform); err != nil {
				return err
			}
		}
	}
	warnings, err := normalizeCreate(&req, v)
	if err != nil {
		return err
	}
	resp, err := c.b.Create(r.Context(), r.URL.Query().Get("name"), platform, &req)
	if err != nil {
		return err
	}
	resp.Warnings = append(resp.Warnings, warnings...)
	if resp.Warnings == nil {
		resp.Warnings = []string{} // clients index it; dockerd sends [] not null
	}
	return httputils.WriteJSON(w, http.StatusCreated, resp)
}

// normalizeCreate fills what a request may leave out and applies dockerd's
// per-API-version compatibility rules, so the backend sees one shape
// whatever the client's version. It returns warnings for the response.
// req.Config must be set.
func normalizeCreate(req *container.CreateRequest, v string) ([]string, error) {
	if req.HostConfig == nil {
		req.HostConfig = &container.HostConfig{}
	}
	if req.NetworkingConfig == nil {
		req.NetworkingConfig = &network.NetworkingConfig{}
	}
	hc, nc := req.HostConfig, req.NetworkingConfig
	if nc.EndpointsConfig == nil {
		nc.EndpointsConfig = map[string]*network.EndpointSettings{}
	}

	// "default" is the platform-neutral name of the default network.
	if hc.NetworkMode == "" || hc.NetworkMode == network.NetworkDefault {
		hc.NetworkMode = defaultNetwork
		if ep, ok := nc.EndpointsConfig[network.NetworkDefault]; ok {
			nc.EndpointsConfig[defaultNetwork] = ep
			delete(nc.EndpointsConfig, network.NetworkDefault)
		}
	}

	if httputils.VersionLessThan(v, "1.25") {
		hc.AutoRemove = false // the client removed the container itself
	}
	if httputils.VersionLessThan(v, "1.40") {
		for _, m := range hc.Mounts {
			if m.BindOptions != nil {
				m.BindOptions.NonRecursive = false
			}
		}
		if hc.IpcMode == "" {
			hc.IpcMode = container.IPCModeShareable // the default before 1.40
		}
	}
	if httputils.VersionLessThan(v, "1.42") {
		for i := range hc.Mounts {
			m := &hc.Mounts[i]
			if m.BindOptions != nil {
				m.BindOptions.CreateMountpoint = false
			}
			// Invalid combinations older clients got away with.
			if m.VolumeOptions != nil && m.Type != mount.TypeVolume {
				m.VolumeOptions = nil
			}
			if m.TmpfsOptions != nil && m.Type != mount.TypeTmpfs {
				m.TmpfsOptions = nil
			}
		}
		hc.ConsoleSize = [2]uint{}
	} else {
		for _, m := range hc.Mounts {
			if err := checkMountOptions(m); err != nil {
				return nil, err
			}
		}
	}
	if httputils.VersionLessThan(v, "1.43") {
		hc.Annotations = nil
	}
	if httputils.VersionLessThan(v, "1.44") {
		if hcheck := req.Config.Healthcheck; hcheck != nil {
			hcheck.StartInterval = 0 // added in 1.44
		}
		for _, m := range hc.Mounts {
			if m.Type == mount.TypeBind && m.BindOptions != nil && m.BindOptions.ReadOnlyForceRecursive {
				return nil, httputils.InvalidParameter(errors.New("BindOptions.ReadOnlyForceRecursive needs API v1.44 or newer"))
			}
		}
		if len(nc.EndpointsConfig) > 1 {
			names := make([]string, 0, len(nc.EndpointsConfig))
			for k := range nc.EndpointsConfig {
				names = append(names, k)
			}
			sort.Strings(names)
			return nil, httputils.InvalidParameter(fmt.Errorf("Container cannot be created with multiple network endpoints: %s", strings.Join(names, ", ")))
		}
	}
	if httputils.VersionLessThan(v, "1.45") {
		for _, m := range hc.Mounts {
			if m.VolumeOptions != nil && m.VolumeOptions.Subpath != "" {
				return nil, httputils.InvalidParameter(errors.New("VolumeOptions.Subpath needs API v1.45 or newer"))
			}
		}
	}
	if httputils.VersionLessThan(v, "1.48") {
		for _, ep := range nc.EndpointsConfig {
			if ep != nil {
				ep.GwPriority = 0 // all endpoints were equal before 1.48
			}
		}
		for _, m := range hc.Mounts {
			if m.Type == mount.TypeImage {
				return nil, httputils.InvalidParameter(errors.New(`Mount type "Image" needs API v1.48 or newer`))
			}
		}
	}
	if hc.PidsLimit != nil && *hc.PidsLimit <= 0 {
		hc.PidsLimit = nil // 0 and negatives mean unlimited: set no limit
	}
	var warnings []string
	if w := backfillPortBindings(hc, v); w != "" {
		warnings = append(warnings, w)
	}
	return warnings, nil
}

// checkMountOptions refuses options for another mount type (API ≥ 1.42).
func checkMountOptions(m mount.Mount) error {
	switch {
	case m.VolumeOptions != nil && m.Type != mount.TypeVolume:
		return httputils.InvalidParameter(fmt.Errorf("VolumeOptions must not be specified on mount type %q", m.Type))
	case m.BindOptions != nil && m.Type != mount.TypeBind:
		return httputils.InvalidParameter(fmt.Errorf("BindOptions must not be specified on mount type %q", m.Type))
	case m.TmpfsOptions != nil && m.Type != mount.TypeTmpfs:
		return httputils.InvalidParameter(fmt.Errorf("TmpfsOptions must not be specified on mount type %q", m.Type))
	}
	return nil
}

// backfillPortBindings keeps the old meaning of a published port with an
// empty binding list ("any address, any port") and, from API 1.52, warns
// that a future version drops such entries, as dockerd does (it withdrew
// dropping them in 1.53: moby/moby#51727).
func backfillPortBindings(hc *container.HostConfig, v string) string {
	var empty []string
	for port, bindings := range hc.PortBindings {
		if len(bindings) > 0 {
			continue
		}
		if !httputils.VersionLessThan(v, "1.52") {
			empty = append(empty, port.String())
		}
		hc.PortBindings[port] = []network.PortBinding{{}}
	}
	if len(empty) == 0 {
		return ""
	}
	sort.Strings(empty)
	return fmt.Sprintf("Following container port(s) have an empty list of port-bindings: %s. Such bindings will be discarded in a future version.", strings.Join(empty, ", "))
}
