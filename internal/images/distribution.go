package images

import (
	"context"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/registry"
	digest "github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/image"
	"go.podman.io/image/v5/manifest"
)

// Distribution answers GET /distribution/{name}/json: the registry's
// descriptor of the name's manifest (or index) and the platforms it holds.
func (s *Service) Distribution(ctx context.Context, name string, auth *registry.AuthConfig) (*registry.DistributionInspect, error) {
	named, err := ParseReference(name)
	if err != nil {
		return nil, err
	}
	ref, err := docker.NewReference(named)
	if err != nil {
		return nil, errInvalid(err.Error())
	}
	sys := s.registryContext(named, auth)
	src, err := ref.NewImageSource(ctx, sys)
	if err != nil {
		return nil, pullError(named, err, auth)
	}
	defer src.Close()
	raw, mt, err := src.GetManifest(ctx, nil)
	if err != nil {
		return nil, pullError(named, err, auth)
	}
	resp := &registry.DistributionInspect{Descriptor: ocispec.Descriptor{
		MediaType: mt, Digest: digest.FromBytes(raw), Size: int64(len(raw)),
	}}
	if manifest.MIMETypeIsMultiImage(mt) {
		list, err := manifest.ListFromBlob(raw, mt)
		if err != nil {
			return nil, err
		}
		for _, d := range list.Instances() {
			inst, err := list.Instance(d)
			if err == nil && inst.ReadOnly.Platform != nil {
				p := inst.ReadOnly.Platform
				resp.Platforms = append(resp.Platforms, ocispec.Platform{OS: p.OS, Architecture: p.Architecture, Variant: p.Variant, OSVersion: p.OSVersion})
			}
		}
		return resp, nil
	}
	img, err := image.FromUnparsedImage(ctx, sys, image.UnparsedInstance(src, nil))
	if err != nil {
		return nil, err
	}
	cfg, err := img.OCIConfig(ctx)
	if err != nil {
		return nil, err
	}
	resp.Platforms = []ocispec.Platform{{OS: cfg.OS, Architecture: cfg.Architecture, Variant: cfg.Variant, OSVersion: cfg.OSVersion}}
	return resp, nil
}

// Search answers GET /images/search against the registry named in term
// (docker.io when none): its v1 search API, or the v2 catalog, which
// image/v5 falls back to; a registry with neither gives a clear error.
func (s *Service) Search(ctx context.Context, term string, limit int, auth *registry.AuthConfig) ([]registry.SearchResult, error) {
	host, query := "docker.io", term
	if i := strings.IndexByte(term, '/'); i > 0 && (strings.ContainsAny(term[:i], ".:") || term[:i] == "localhost") {
		host, query = term[:i], term[i+1:]
	}
	named, err := ParseReference(host + "/search")
	if err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = 25
	}
	res, err := docker.SearchRegistry(ctx, s.registryContext(named, auth), host, query, limit)
	if err != nil {
		return nil, errdefs.ErrUnknown.WithMessage("searching " + host + ": " + err.Error())
	}
	out := make([]registry.SearchResult, 0, len(res))
	for _, r := range res {
		out = append(out, registry.SearchResult{Name: r.Name, Description: r.Description, StarCount: r.StarCount, IsOfficial: r.IsOfficial, IsAutomated: r.IsAutomated})
	}
	return out, nil
}
