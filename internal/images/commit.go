package images

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/distribution/reference"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/events"
	"github.com/opencontainers/go-digest"
	specsgo "github.com/opencontainers/image-spec/specs-go"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"go.podman.io/storage"
)

// ApplyChanges applies `--change` instructions (docker commit, import)
// to an image config.
func ApplyChanges(cfg *ocispec.ImageConfig, changes []string) error {
	return applyChanges(cfg, changes)
}

// CommitOptions describe an image made from a container's layer.
type CommitOptions struct {
	ParentID string // storage image ID the container was created from
	LayerID  string // the container's writable layer
	// Config is the new image's config (Config part filled by the
	// caller); rootfs and history get the new layer here.
	Config    dockerspec.DockerOCIImage
	CreatedBy string
	Comment   string
	Ref       reference.Named // nil for an untagged image (see ParseReference)
}

// Commit stores a new image: the parent's layers plus the container
// layer's diff, with the given config, tagged with Ref (and a tag event,
// as dockerd's commit tags through TagImage). It returns the image ID (hex).
func (s *Service) Commit(ctx context.Context, opt CommitOptions) (string, error) {
	store, err := s.Store(ctx)
	if err != nil {
		return "", err
	}
	parent, err := store.Image(opt.ParentID)
	if err != nil {
		return "", errNoSuchImage(opt.ParentID)
	}
	// The diff goes through a temp file: storage holds the layer store's
	// read lock while it streams a diff, and PutLayer needs the write lock.
	f, err := os.CreateTemp(filepath.Join(s.opt.DataRoot, "tmp"), "commit-*.tar")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	rc, err := store.Diff("", opt.LayerID, nil)
	if err != nil {
		return "", fmt.Errorf("reading the container's changes: %w", err)
	}
	_, err = io.Copy(f, rc)
	rc.Close()
	if err != nil {
		return "", err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	layer, _, err := store.PutLayer("", parent.TopLayer, nil, "", false, nil, f)
	if err != nil {
		return "", fmt.Errorf("storing the new layer: %w", err)
	}
	// PutLayer digests the uncompressed stream: that is the diffID.
	diffID := layer.UncompressedDigest
	// Until the image is tagged, a failure takes back what was made: a
	// commit leaves a named image or nothing.
	done, imageMade := false, ""
	defer func() {
		switch {
		case done:
		case imageMade != "":
			store.DeleteImage(imageMade, true) // and its new layer
		default:
			store.DeleteLayer(layer.ID)
		}
	}()

	now := time.Now().UTC()
	cfg := opt.Config
	cfg.Created = &now
	cfg.RootFS.Type = "layers"
	cfg.RootFS.DiffIDs = append(append([]digest.Digest{}, cfg.RootFS.DiffIDs...), diffID)
	cfg.History = append(append([]ocispec.History{}, cfg.History...), ocispec.History{
		Created: &now, CreatedBy: opt.CreatedBy, Comment: opt.Comment, Author: cfg.Author,
	})
	configJSON, err := json.Marshal(cfg)
	if err != nil {
		return "", err
	}
	configDigest := digest.FromBytes(configJSON)
	manifest, err := s.commitManifest(store, layer, configDigest, int64(len(configJSON)))
	if err != nil {
		return "", err
	}
	manifestDigest := digest.FromBytes(manifest)
	id := configDigest.Encoded()
	_, err = store.CreateImage(id, nil, layer.ID, "", &storage.ImageOptions{
		CreationDate: now,
		Digest:       manifestDigest,
		BigData: []storage.ImageBigDataOption{
			{Key: configDigest.String(), Data: configJSON, Digest: configDigest},
			{Key: "manifest-" + manifestDigest.String(), Data: manifest, Digest: manifestDigest},
			{Key: storage.ImageDigestBigDataKey, Data: manifest, Digest: manifestDigest},
		},
	})
	if err != nil {
		return "", fmt.Errorf("storing the new image: %w", err)
	}
	imageMade = id
	if opt.Ref != nil {
		s.nameMu.Lock()
		err = store.AddNames(id, []string{opt.Ref.String()})
		if err == nil {
			s.tagTime[id] = now
		}
		s.nameMu.Unlock()
		if err != nil {
			return "", err
		}
		s.publish(events.ActionTag, "sha256:"+id, map[string]string{"name": reference.FamiliarString(opt.Ref)})
	}
	done = true
	return id, nil
}

// commitManifest is an OCI manifest naming every layer by its diffID, as
// uncompressed tars: the form storage can serve back for push and save.
func (s *Service) commitManifest(store storage.Store, top *storage.Layer, config digest.Digest, configSize int64) ([]byte, error) {
	var layers []ocispec.Descriptor
	for l := top; l != nil; {
		layers = append([]ocispec.Descriptor{{
			MediaType: ocispec.MediaTypeImageLayer,
			Digest:    l.UncompressedDigest,
			Size:      l.UncompressedSize,
		}}, layers...)
		if l.Parent == "" {
			break
		}
		p, err := store.Layer(l.Parent)
		if err != nil {
			return nil, err
		}
		l = p
	}
	return json.Marshal(ocispec.Manifest{
		Versioned: specsgo.Versioned{SchemaVersion: 2},
		MediaType: ocispec.MediaTypeImageManifest,
		Config:    ocispec.Descriptor{MediaType: ocispec.MediaTypeImageConfig, Digest: config, Size: configSize},
		Layers:    layers,
	})
}
