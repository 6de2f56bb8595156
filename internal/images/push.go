package images

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/docker/distribution/registry/api/errcode"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/registry"
	"go.podman.io/image/v5/copy"
	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/manifest"
	istorage "go.podman.io/image/v5/storage"
	"go.podman.io/image/v5/types"
)

// Push answers POST /images/{name}/push, streaming Docker's messages.
func (s *Service) Push(ctx context.Context, name, tag string, auth *registry.AuthConfig, out Progress) error {
	if tag != "" {
		name += ":" + tag
	}
	named, err := ParseReference(name)
	if err != nil {
		return err
	}
	store, img, err := s.resolve(ctx, named.String())
	if err != nil {
		return errNoSuchImage(reference.FamiliarString(named))
	}
	srcRef, err := istorage.Transport.ParseStoreReference(store, "@"+img.ID)
	if err != nil {
		return err
	}
	destRef, err := docker.NewReference(named)
	if err != nil {
		return err
	}
	pc, err := policy()
	if err != nil {
		return err
	}
	defer pc.Destroy()
	out(Message{Status: "The push refers to repository [" + named.Name() + "]"})
	progress := make(chan types.ProgressProperties, 64)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		reportPush(progress, out)
	}()
	raw, err := copy.Image(ctx, pc, destRef, srcRef, &copy.Options{
		SourceCtx:        s.systemContext(),
		DestinationCtx:   s.registryContext(named, auth),
		Progress:         progress,
		ProgressInterval: 200 * time.Millisecond,
	})
	close(progress)
	wg.Wait()
	if err != nil {
		return pushError(named, err, auth)
	}
	d, err := manifest.Digest(raw)
	if err != nil {
		return err
	}
	t := "latest"
	if tg, ok := named.(reference.Tagged); ok {
		t = tg.Tag()
	}
	out(Message{Status: fmt.Sprintf("%s: digest: %s size: %d", t, d, len(raw))})
	aux, _ := json.Marshal(map[string]any{"Tag": t, "Digest": d.String(), "Size": len(raw)})
	rm := json.RawMessage(aux)
	out(Message{Aux: &rm})
	if c, err := reference.WithDigest(reference.TrimNamed(named), d); err == nil {
		s.nameMu.Lock()
		err = store.AddNames(img.ID, []string{c.String()})
		s.nameMu.Unlock()
		if err != nil {
			return err
		}
	}
	s.publish(events.ActionPush, reference.FamiliarString(named), map[string]string{"name": reference.FamiliarName(named)})
	return nil
}

// reportPush turns image/v5's per-blob progress into Docker's push lines.
func reportPush(ch <-chan types.ProgressProperties, out Progress) {
	for p := range ch {
		if isConfig(p.Artifact.MediaType) {
			continue
		}
		id := shortID(p.Artifact.Digest.String())
		switch p.Event {
		case types.ProgressEventNewArtifact:
			out(layerStatus(id, "Preparing"))
		case types.ProgressEventRead:
			out(transfer(id, "Pushing", int64(p.Offset), p.Artifact.Size))
		case types.ProgressEventDone:
			out(layerStatus(id, "Pushed"))
		case types.ProgressEventSkipped:
			out(layerStatus(id, "Layer already exists"))
		}
	}
}

// pushError: missing credentials get dockerd's "no basic auth
// credentials"; other registry errors keep the registry's words.
func pushError(named reference.Named, err error, auth *registry.AuthConfig) error {
	var ec errcode.Error
	if errors.As(err, &ec) && (ec.Code == errcode.ErrorCodeUnauthorized || ec.Code == errcode.ErrorCodeDenied) {
		// Not 401: the stream has started, and a 401 status would make the
		// docker CLI prompt for a login (see pullError).
		if ec.Code == errcode.ErrorCodeUnauthorized && (auth == nil || auth.Username == "") {
			return errdefs.ErrUnknown.WithMessage("no basic auth credentials")
		}
		return errdefs.ErrUnknown.WithMessage(ec.Error())
	}
	return errdefs.ErrUnknown.WithMessage(err.Error())
}
