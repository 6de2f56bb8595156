package containers

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"

	"github.com/containerd/errdefs"
)

// validName is Docker's rule for container names (after an optional "/").
var validName = regexp.MustCompile(`^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$`)

// checkName validates a user's name and returns it with its "/".
func checkName(name string) (string, error) {
	if !validName.MatchString(name) {
		return "", errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name))
	}
	if !strings.HasPrefix(name, "/") {
		name = "/" + name
	}
	return name, nil
}

// errNameInUse is Docker's 409 for a taken name.
func errNameInUse(name, id string) error {
	return errdefs.ErrConflict.WithMessage(fmt.Sprintf("Conflict. The container name %q is already in use by container %q. You have to remove (or rename) that container to be able to reuse that name.", name, id))
}

// reserveName claims name ("/x") for id, or fails with Docker's conflict.
func (s *Service) reserveName(name, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if other, ok := s.names[name]; ok && other != id {
		return errNameInUse(name, other)
	}
	s.names[name] = id
	return nil
}

// releaseName frees name if id holds it.
func (s *Service) releaseName(name, id string) {
	s.mu.Lock()
	if s.names[name] == id {
		delete(s.names, name)
	}
	s.mu.Unlock()
}

// generateName reserves a random adjective_surname for id, falling back
// to the short ID, as Docker does after a few collisions.
func (s *Service) generateName(id string) string {
	for i := 0; i < 6; i++ {
		n := "/" + randomName(i > 0)
		if s.reserveName(n, id) == nil {
			return n
		}
	}
	n := "/" + id[:12]
	s.reserveName(n, id)
	return n
}

// randomName is adjective_surname; retry appends a digit as Docker does.
func randomName(retry bool) string {
	n := adjectives[rand.IntN(len(adjectives))] + "_" + surnames[rand.IntN(len(surnames))]
	if retry {
		n += fmt.Sprint(rand.IntN(10))
	}
	return n
}
