package images

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"go.podman.io/storage"
)

// ParseReference normalizes a user's image name the way Docker does:
// "busybox" is docker.io/library/busybox:latest; a digest reference keeps
// its digest. Names must be lower case, as Docker requires.
func ParseReference(name string) (reference.Named, error) {
	named, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid reference format: %s", invalidReason(name, err)))
	}
	return reference.TagNameOnly(named), nil
}

func invalidReason(name string, err error) string {
	if strings.ToLower(name) != name {
		return "repository name (" + name + ") must be lowercase"
	}
	return err.Error()
}

// errNoSuchImage is Docker's 404 for a local image lookup.
func errNoSuchImage(name string) error {
	return errdefs.ErrNotFound.WithMessage("No such image: " + name)
}

var hexPrefix = regexp.MustCompile(`^[a-f0-9]{1,64}$`)

// resolve finds a local image by name[:tag], name@digest, full ID
// ("sha256:<hex>" or "<hex>") or unique ID prefix, in Docker's order: a
// name wins over an ID prefix that happens to look the same.
func (s *Service) resolve(ctx context.Context, name string) (storage.Store, *storage.Image, error) {
	store, err := s.Store(ctx)
	if err != nil {
		return nil, nil, err
	}
	id := strings.TrimPrefix(name, "sha256:")
	if named, err := reference.ParseNormalizedNamed(name); err == nil && !(strings.HasPrefix(name, "sha256:")) {
		named = reference.TagNameOnly(named)
		if img, err := store.Image(named.String()); err == nil {
			return store, img, nil
		}
		if dn, ok := named.(reference.Digested); ok {
			// name@digest matches any image of that repository carrying
			// the manifest digest.
			imgs, _ := store.ImagesByDigest(dn.Digest())
			for _, img := range imgs {
				for _, n := range img.Names {
					if r, err := reference.ParseNormalizedNamed(n); err == nil && r.Name() == named.Name() {
						return store, img, nil
					}
				}
			}
		}
	}
	if hexPrefix.MatchString(id) {
		if len(id) == 64 {
			if img, err := store.Image(id); err == nil {
				return store, img, nil
			}
			return nil, nil, errNoSuchImage(name)
		}
		all, err := store.Images()
		if err != nil {
			return nil, nil, err
		}
		var found []storage.Image
		for _, img := range all {
			if strings.HasPrefix(img.ID, id) {
				found = append(found, img)
			}
		}
		if len(found) == 1 {
			return store, &found[0], nil
		}
		if len(found) > 1 {
			return nil, nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("short ID %s is ambiguous: it matches %d images", id, len(found)))
		}
	}
	return nil, nil, errNoSuchImage(name)
}

// tagsAndDigests splits a storage image's names into Docker's RepoTags and
// RepoDigests (familiar form, sorted). Pull and push record "repo@digest"
// names, so a repository only shows a digest the registry really holds.
func tagsAndDigests(img *storage.Image) (tags, digests []string) {
	seenDigest := map[string]bool{}
	for _, n := range img.Names {
		r, err := reference.ParseNormalizedNamed(n)
		if err != nil {
			continue
		}
		switch r := r.(type) {
		case reference.Canonical:
			f := reference.FamiliarString(r)
			if !seenDigest[f] {
				seenDigest[f] = true
				digests = append(digests, f)
			}
		case reference.Tagged:
			tags = append(tags, reference.FamiliarString(r))
		}
	}
	sort.Strings(tags)
	sort.Strings(digests)
	return tags, digests
}

// errInvalid is a 400 with Docker's plain message.
func errInvalid(msg string) error { return errdefs.ErrInvalidArgument.WithMessage(msg) }
