package images

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/events"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"go.podman.io/image/v5/copy"
	istorage "go.podman.io/image/v5/storage"
	"go.podman.io/image/v5/tarball"
	"go.podman.io/image/v5/types"

	"github.com/skiff-engine/skiff/internal/archive"
)

// ImportOptions are POST /images/create?fromSrc= parameters.
type ImportOptions struct {
	Source   string // "-" (the request body) or an http(s) URL
	Repo     string // optional name for the new image
	Tag      string
	Changes  []string
	Message  string
	Platform *ocispec.Platform
}

// Import answers POST /images/create?fromSrc=: a root filesystem tarball
// becomes a one-layer image, as `docker import` makes. The tarball is
// validated like any untrusted layer before storage sees it.
func (s *Service) Import(ctx context.Context, body io.Reader, opt ImportOptions, out Progress) error {
	var named reference.Named
	if opt.Repo != "" {
		name := opt.Repo
		if opt.Tag != "" {
			name += ":" + opt.Tag
		}
		var err error
		if named, err = ParseReference(name); err != nil {
			return err
		}
	}
	cfg := ocispec.Image{}
	if err := applyChanges(&cfg.Config, opt.Changes); err != nil {
		return err
	}
	if p := opt.Platform; p != nil {
		cfg.OS, cfg.Architecture, cfg.Variant = p.OS, p.Architecture, p.Variant
	}
	comment := opt.Message
	if comment == "" {
		comment = "Imported from " + opt.Source
	}
	now := time.Now().UTC()
	cfg.Created = &now
	cfg.History = []ocispec.History{{Created: &now, Comment: comment}}

	store, err := s.Store(ctx)
	if err != nil {
		return err
	}
	src := body
	if opt.Source != "-" {
		rc, err := fetch(ctx, opt.Source)
		if err != nil {
			return err
		}
		defer rc.Close()
		src = rc
	}
	f, err := os.CreateTemp(filepath.Join(s.opt.DataRoot, "tmp"), "import-*.tar")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	_, err = archive.LayerOptions{AllowDevices: true, AllowFifos: true}.Validate(io.TeeReader(src, f))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	ref, err := tarball.Transport.ParseReference(f.Name())
	if err != nil {
		return err
	}
	if cu, ok := ref.(tarball.ConfigUpdater); ok {
		if err := cu.ConfigUpdate(cfg, nil); err != nil {
			return err
		}
	}
	sys := s.systemContext()
	// The config (hence the ID) is fixed now: the layer, the config above
	// and the file's mtime as the layer's history time.
	id, err := configID(ctx, sys, ref)
	if err != nil {
		return err
	}
	var dest types.ImageReference
	if named != nil {
		dest, err = istorage.Transport.NewStoreReference(store, named, id)
	} else {
		dest, err = istorage.Transport.ParseStoreReference(store, "@"+id)
	}
	if err != nil {
		return err
	}
	pc, err := policy()
	if err != nil {
		return err
	}
	defer pc.Destroy()
	if _, err := copy.Image(ctx, pc, dest, ref, &copy.Options{SourceCtx: sys, DestinationCtx: sys}); err != nil {
		return fmt.Errorf("importing: %w", err)
	}
	out(Message{Status: "sha256:" + id})
	if named != nil { // dockerd tags the new image, with its event, first
		s.publish(events.ActionTag, "sha256:"+id, map[string]string{"name": reference.FamiliarString(named)})
	}
	s.publish(events.ActionImport, "sha256:"+id, map[string]string{"name": "sha256:" + id})
	return nil
}

// fetch opens an http(s) URL for import.
func fetch(ctx context.Context, url string) (io.ReadCloser, error) {
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return nil, errInvalid("fromSrc must be - or an http(s) URL, not " + url)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, errInvalid(err.Error())
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("fetching %s: %s", url, resp.Status)
	}
	return resp.Body, nil
}
