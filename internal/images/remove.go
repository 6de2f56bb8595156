package images

import (
	"context"
	"fmt"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/image"
)

// RemoveOptions are DELETE /images/{name} parameters.
type RemoveOptions struct {
	Force   bool
	NoPrune bool
}

// Remove answers DELETE /images/{name} with dockerd's semantics: a name
// untags (and the image goes when that was its last reference, taking the
// repository's digest references along); an ID deletes the image, which
// needs force when it is tagged in several repositories; an image a
// container uses is not deleted without force (running: never).
func (s *Service) Remove(ctx context.Context, name string, opt RemoveOptions) ([]image.DeleteResponse, error) {
	store, img, err := s.resolve(ctx, name)
	if err != nil {
		return nil, err
	}
	s.nameMu.Lock()
	defer s.nameMu.Unlock()
	// Re-read under the lock: a concurrent tag or delete may have changed it.
	if img, err = store.Image(img.ID); err != nil {
		return nil, errNoSuchImage(name)
	}
	id := "sha256:" + img.ID
	refs := parseNames(img.Names)
	var resp []image.DeleteResponse
	untag := func(r reference.Named) error {
		if err := store.RemoveNames(img.ID, []string{r.String()}); err != nil {
			return err
		}
		resp = append(resp, image.DeleteResponse{Untagged: reference.FamiliarString(r)})
		s.publish(events.ActionUnTag, id, map[string]string{"name": id}) // dockerd names the image ID, not the tag
		return nil
	}

	if !isIDReference(name, img.ID) {
		named, err := ParseReference(name)
		if err != nil {
			return nil, err
		}
		if !opt.Force && isSingleReference(refs) {
			if users := s.users(img.ID); len(users) > 0 {
				// Untagging would leave a dangling image in use.
				return nil, errdefs.ErrConflict.WithMessage(fmt.Sprintf("conflict: unable to remove repository reference %q (must force) - container %s is using its referenced image %s", name, shortID(users[0]), shortID(img.ID)))
			}
		}
		if err := untag(named); err != nil {
			return nil, err
		}
		refs = without(refs, named)
		if _, canonical := named.(reference.Canonical); !canonical && !hasTagIn(refs, named.Name()) {
			// The repository's last tag went: its digests go with it.
			for _, r := range refs {
				if _, ok := r.(reference.Canonical); ok && r.Name() == named.Name() {
					if err := untag(r); err != nil {
						return nil, err
					}
					refs = without(refs, r)
				}
			}
		}
		if len(refs) > 0 {
			return resp, nil
		}
	} else {
		if !isSingleReference(refs) && len(refs) > 0 && !opt.Force {
			return nil, errdefs.ErrConflict.WithMessage(fmt.Sprintf("conflict: unable to delete %s (must be forced) - image is referenced in multiple repositories", shortID(img.ID)))
		}
		if users := s.users(img.ID); len(users) > 0 && !opt.Force {
			return nil, errdefs.ErrConflict.WithMessage(fmt.Sprintf("conflict: unable to delete %s (must be forced) - image is being used by stopped container %s", shortID(img.ID), shortID(users[0])))
		}
		for _, r := range refs {
			if err := untag(r); err != nil {
				return nil, err
			}
		}
	}
	layers, err := store.DeleteImage(img.ID, true)
	if err != nil {
		return nil, err
	}
	s.forget(img.ID)
	resp = append(resp, image.DeleteResponse{Deleted: id})
	for _, l := range layers {
		resp = append(resp, image.DeleteResponse{Deleted: "sha256:" + l})
	}
	s.publish(events.ActionDelete, id, map[string]string{"name": id})
	return resp, nil
}

// parseNames turns storage names into references, skipping any that do not
// parse (storage may hold names another tool wrote).
func parseNames(names []string) []reference.Named {
	var out []reference.Named
	for _, n := range names {
		if r, err := reference.ParseNormalizedNamed(n); err == nil {
			out = append(out, r)
		}
	}
	return out
}

// isSingleReference is dockerd's rule: at most one tag, and every digest
// reference in that tag's repository.
func isSingleReference(refs []reference.Named) bool {
	if len(refs) <= 1 {
		return len(refs) == 1
	}
	var single reference.Named
	canonical := map[string]bool{}
	for _, r := range refs {
		if _, ok := r.(reference.Canonical); ok {
			canonical[r.Name()] = true
		} else if single == nil {
			single = r
		} else {
			return false
		}
	}
	if single == nil {
		single = refs[0]
	}
	return len(canonical) == 1 && canonical[single.Name()]
}

func without(refs []reference.Named, drop reference.Named) []reference.Named {
	var out []reference.Named
	for _, r := range refs {
		if r.String() != drop.String() {
			out = append(out, r)
		}
	}
	return out
}

func hasTagIn(refs []reference.Named, repo string) bool {
	for _, r := range refs {
		if _, canonical := r.(reference.Canonical); !canonical && r.Name() == repo {
			return true
		}
	}
	return false
}

// isIDReference reports whether the user named the image by (a prefix of)
// its ID rather than by a repository name.
func isIDReference(name, id string) bool {
	n := strings.TrimPrefix(name, "sha256:")
	return hexPrefix.MatchString(n) && strings.HasPrefix(id, n)
}

// users lists the containers using an image.
func (s *Service) users(id string) []string {
	if s.opt.InUse == nil {
		return nil
	}
	return s.opt.InUse(id)
}
