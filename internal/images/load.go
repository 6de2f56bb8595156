package images

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/events"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"go.podman.io/image/v5/copy"
	dockerarchive "go.podman.io/image/v5/docker/archive"
	"go.podman.io/image/v5/oci/layout"
	istorage "go.podman.io/image/v5/storage"
	"go.podman.io/image/v5/types"

	"github.com/skiff-engine/skiff/internal/archive"
)

// loadPolicy is what a loaded layer may hold: device nodes and fifos are
// accepted as Docker accepts them (storage skips nodes it cannot create in
// a user namespace, as dockerd rootless does); escapes never are.
var loadPolicy = archive.ArchiveOptions{Layer: archive.LayerOptions{AllowDevices: true, AllowFifos: true}}

// Load answers POST /images/load. dockerd streams "Loading layer"
// progress unless quiet; skiff sends no per-layer progress yet, so quiet
// changes nothing and only the "Loaded image" lines are sent. The whole archive is validated first
// (paths, links, devices, digests, every layer), so a bad archive is
// refused before anything reaches storage; then each image is imported.
func (s *Service) Load(ctx context.Context, r io.Reader, _ bool, out Progress) error {
	store, err := s.Store(ctx)
	if err != nil {
		return err
	}
	tmpDir := filepath.Join(s.opt.DataRoot, "tmp")
	work, err := os.MkdirTemp(tmpDir, "load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	spool := filepath.Join(work, "spool")
	if err := os.Mkdir(spool, 0o700); err != nil {
		return err
	}
	// The tar itself is kept beside the validated spool: image/v5 reads
	// docker-archives from a tar file.
	tarFile, err := os.Create(filepath.Join(work, "archive.tar"))
	if err != nil {
		return err
	}
	a, err := archive.Spool(ctx, io.TeeReader(r, tarFile), spool, loadPolicy)
	if cerr := tarFile.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if len(a.Images) == 0 {
		return errInvalid("the archive holds no image")
	}
	pc, err := policy()
	if err != nil {
		return err
	}
	defer pc.Destroy()
	sys := s.systemContext()
	copyOpts := &copy.Options{SourceCtx: sys, DestinationCtx: sys}

	var sources []loadSource
	if a.Format == archive.FormatDockerArchive {
		// The reader must stay open while its images are copied.
		rd, err := dockerarchive.NewReader(sys, tarFile.Name())
		if err != nil {
			return errInvalid(err.Error())
		}
		defer rd.Close()
		sources, err = dockerArchiveSources(ctx, sys, rd)
		if err != nil {
			return err
		}
	} else {
		if sources, err = ociSources(ctx, spool); err != nil {
			return err
		}
	}
	for _, src := range sources {
		var dest types.ImageReference
		if src.name != nil {
			dest, err = istorage.Transport.NewStoreReference(store, src.name, "")
		} else {
			dest, err = istorage.Transport.ParseStoreReference(store, "@"+src.id)
		}
		if err != nil {
			return err
		}
		if _, err := copy.Image(ctx, pc, dest, src.ref, copyOpts); err != nil {
			return fmt.Errorf("loading %s: %w", src.describe(), err)
		}
		if src.name != nil {
			out(Message{Stream: "Loaded image: " + reference.FamiliarString(src.name) + "\n"})
			// dockerd names the loaded image by its ID in the event.
			if _, img, err := s.resolve(ctx, src.name.String()); err == nil {
				s.publish(events.ActionLoad, "sha256:"+img.ID, map[string]string{"name": "sha256:" + img.ID})
			}
		} else {
			out(Message{Stream: "Loaded image ID: sha256:" + src.id + "\n"})
			s.publish(events.ActionLoad, "sha256:"+src.id, map[string]string{"name": "sha256:" + src.id})
		}
	}
	return nil
}

// loadSource is one image of an archive, with the name to store it under.
type loadSource struct {
	ref  types.ImageReference
	name reference.Named // nil for an untagged image
	id   string          // config digest hex, for untagged images
}

func (l loadSource) describe() string {
	if l.name != nil {
		return reference.FamiliarString(l.name)
	}
	return "sha256:" + l.id
}

// dockerArchiveSources lists a docker-archive's images: one source per
// RepoTag, or one untagged source.
func dockerArchiveSources(ctx context.Context, sys *types.SystemContext, rd *dockerarchive.Reader) ([]loadSource, error) {
	lists, err := rd.List()
	if err != nil {
		return nil, errInvalid(err.Error())
	}
	var out []loadSource
	for _, refs := range lists {
		for _, ref := range refs {
			src := loadSource{ref: ref}
			if named := ref.DockerReference(); named != nil {
				// Re-parse: FamiliarString needs a normalized reference.
				if n, err := reference.ParseNormalizedNamed(named.String()); err == nil {
					named = n
				}
				src.name = named
			} else {
				id, err := configID(ctx, sys, ref)
				if err != nil {
					return nil, err
				}
				src.id = id
			}
			out = append(out, src)
		}
	}
	return out, nil
}

// ociSources lists an OCI layout's top-level index entries, named by
// their containerd or OCI ref-name annotation.
func ociSources(ctx context.Context, dir string) ([]loadSource, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		return nil, errInvalid("reading index.json: " + err.Error())
	}
	var idx ocispec.Index
	if err := json.Unmarshal(raw, &idx); err != nil {
		return nil, errInvalid("parsing index.json: " + err.Error())
	}
	var out []loadSource
	for i, d := range idx.Manifests {
		ref, err := layout.NewIndexReference(dir, i)
		if err != nil {
			return nil, errInvalid(err.Error())
		}
		src := loadSource{ref: ref}
		name := d.Annotations["io.containerd.image.name"]
		if name == "" {
			name = d.Annotations[ocispec.AnnotationRefName]
		}
		if named, err := reference.ParseNormalizedNamed(name); err == nil && name != "" {
			src.name = reference.TagNameOnly(named)
		} else {
			id, err := configID(ctx, nil, ref)
			if err != nil {
				return nil, err
			}
			src.id = id
		}
		out = append(out, src)
	}
	return out, nil
}

// configID is an image's config digest hex: its ID.
func configID(ctx context.Context, sys *types.SystemContext, ref types.ImageReference) (string, error) {
	img, err := ref.NewImage(ctx, sys)
	if err != nil {
		return "", errInvalid(err.Error())
	}
	defer img.Close()
	return img.ConfigInfo().Digest.Encoded(), nil
}
