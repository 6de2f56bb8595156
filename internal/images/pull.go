package images

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/docker/distribution/registry/api/errcode"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/registry"
	digest "github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"go.podman.io/image/v5/copy"
	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/manifest"
	istorage "go.podman.io/image/v5/storage"
	"go.podman.io/image/v5/types"
)

// PullOptions are POST /images/create?fromImage= parameters.
type PullOptions struct {
	Platform *ocispec.Platform
	Auth     *registry.AuthConfig
}

// Pull fetches name from its registry into storage, streaming Docker's
// progress messages. Errors found before any layer moves (bad name, no such
// repository, registry down, unauthorized) come back as errors with their
// status, not as stream messages.
func (s *Service) Pull(ctx context.Context, name string, opt PullOptions, out Progress) error {
	named, err := ParseReference(name)
	if err != nil {
		return err
	}
	store, err := s.Store(ctx)
	if err != nil {
		return err
	}
	sys := s.registryContext(named, opt.Auth)
	if p := opt.Platform; p != nil {
		sys.OSChoice, sys.ArchitectureChoice, sys.VariantChoice = p.OS, p.Architecture, p.Variant
	}
	srcRef, err := docker.NewReference(named)
	if err != nil {
		return errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	// Resolve the manifest first: its errors must reach the client as an
	// HTTP status, before the stream starts.
	topDigest, err := s.resolveManifest(ctx, srcRef, sys, named, opt.Auth)
	if err != nil {
		return err
	}
	before, _ := store.Image(named.String())

	tagOrDigest := "latest"
	if t, ok := named.(reference.Tagged); ok {
		tagOrDigest = t.Tag()
	} else if d, ok := named.(reference.Digested); ok {
		tagOrDigest = d.Digest().String()
	}
	out(Message{ID: tagOrDigest, Status: "Pulling from " + reference.FamiliarName(named)})

	destRef, err := istorage.Transport.ParseStoreReference(store, named.String())
	if err != nil {
		return err
	}
	pc, err := policy()
	if err != nil {
		return err
	}
	defer pc.Destroy()
	progress := make(chan types.ProgressProperties, 64)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		reportLayers(progress, out, "Downloading", "Download complete")
	}()
	_, err = copy.Image(ctx, pc, destRef, srcRef, &copy.Options{
		SourceCtx:        sys,
		DestinationCtx:   s.systemContext(),
		Progress:         progress,
		ProgressInterval: 200 * time.Millisecond,
	})
	close(progress)
	wg.Wait()
	if err != nil {
		return pullError(named, err, opt.Auth)
	}
	img, err := store.Image(named.String())
	if err != nil {
		return err
	}
	if _, digested := named.(reference.Digested); !digested {
		if c, err := reference.WithDigest(reference.TrimNamed(named), topDigest); err == nil {
			if err := store.AddNames(img.ID, []string{c.String()}); err != nil {
				return err
			}
		}
	}
	out(Message{Status: "Digest: " + topDigest.String()})
	familiar := reference.FamiliarString(named)
	if before != nil && before.ID == img.ID {
		out(Message{Status: "Status: Image is up to date for " + familiar})
	} else {
		out(Message{Status: "Status: Downloaded newer image for " + familiar})
	}
	s.publish(events.ActionPull, familiar, map[string]string{"name": reference.FamiliarName(named)})
	return nil
}

// resolveManifest reads the top-level manifest (or index) digest.
func (s *Service) resolveManifest(ctx context.Context, ref types.ImageReference, sys *types.SystemContext, named reference.Named, auth *registry.AuthConfig) (digest.Digest, error) {
	src, err := ref.NewImageSource(ctx, sys)
	if err != nil {
		return "", pullError(named, err, auth)
	}
	defer src.Close()
	raw, _, err := src.GetManifest(ctx, nil)
	if err != nil {
		return "", pullError(named, err, auth)
	}
	d, err := manifest.Digest(raw)
	if err != nil {
		return "", err
	}
	return d, nil
}

// reportLayers turns image/v5's per-blob progress into Docker's per-layer
// lines; the config blob is not a layer and is not shown.
func reportLayers(ch <-chan types.ProgressProperties, out Progress, moving, done string) {
	started := map[string]bool{}
	for p := range ch {
		if isConfig(p.Artifact.MediaType) {
			continue
		}
		id := shortID(p.Artifact.Digest.String())
		switch p.Event {
		case types.ProgressEventNewArtifact:
			if !started[id] {
				started[id] = true
				out(layerStatus(id, "Pulling fs layer"))
			}
		case types.ProgressEventRead:
			out(transfer(id, moving, int64(p.Offset), p.Artifact.Size))
		case types.ProgressEventDone:
			out(layerStatus(id, done))
			out(layerStatus(id, "Pull complete"))
		case types.ProgressEventSkipped:
			out(layerStatus(id, "Already exists"))
		}
	}
}

func isConfig(mediaType string) bool {
	return strings.Contains(mediaType, "config") || mediaType == manifest.DockerV2Schema2ConfigMediaType
}

// pullError gives registry failures Docker's wording and status.
func pullError(named reference.Named, err error, auth *registry.AuthConfig) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	var ec errcode.Error
	if errors.As(err, &ec) {
		switch ec.Code {
		case errcode.ErrorCodeUnauthorized:
			if auth == nil || (auth.Username == "" && auth.IdentityToken == "" && auth.RegistryToken == "") {
				// dockerd's answer when the registry wants credentials
				// and the client sent none. dockerd sends it as a 500,
				// not a 401: a 401 makes the docker CLI prompt for a
				// login, which a script cannot answer.
				return errdefs.ErrUnknown.WithMessage(fmt.Sprintf("Head %q: no basic auth credentials", manifestURL(named)))
			}
			fallthrough
		case errcode.ErrorCodeDenied:
			return errdefs.ErrNotFound.WithMessage(fmt.Sprintf("pull access denied for %s, repository does not exist or may require 'docker login': %v", reference.FamiliarName(named), ec))
		}
		if ec.Code.Descriptor().HTTPStatusCode == http.StatusNotFound {
			// dockerd's words for a registry answering 404 (manifest
			// unknown, name unknown).
			return errdefs.ErrNotFound.WithMessage(fmt.Sprintf("manifest for %s not found: %v", reference.FamiliarString(named), ec))
		}
	}
	var uhe docker.ErrUnauthorizedForCredentials
	if errors.As(err, &uhe) {
		return errdefs.ErrUnauthenticated.WithMessage(err.Error())
	}
	return errdefs.ErrUnknown.WithMessage(err.Error())
}

// manifestURL is the registry URL dockerd names in its errors.
func manifestURL(named reference.Named) string {
	tagOrDigest := "latest"
	if d, ok := named.(reference.Digested); ok {
		tagOrDigest = d.Digest().String()
	} else if t, ok := named.(reference.Tagged); ok {
		tagOrDigest = t.Tag()
	}
	scheme := "https"
	if host := reference.Domain(named); host == "localhost" || strings.HasPrefix(host, "127.") || strings.HasPrefix(host, "localhost:") {
		scheme = "http"
	}
	return fmt.Sprintf("%s://%s/v2/%s/manifests/%s", scheme, reference.Domain(named), reference.Path(named), tagOrDigest)
}
