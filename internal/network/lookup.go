package network

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/containerd/errdefs"
)

// errNotFound is dockerd's 404 for a network.
func errNotFound(idOrName string) error {
	return errdefs.ErrNotFound.WithMessage(fmt.Sprintf("network %s not found", idOrName))
}

// find resolves a network as dockerd does: full ID, then name, then a
// unique ID prefix. Call with s.mu held.
func (s *Service) find(idOrName string) (*netState, error) {
	if idOrName == "" {
		return nil, errNotFound(idOrName)
	}
	if n, ok := s.nets[idOrName]; ok {
		return n, nil
	}
	for _, n := range s.nets {
		if n.rec.Name == idOrName {
			return n, nil
		}
	}
	var found []*netState
	for id, n := range s.nets {
		if strings.HasPrefix(id, idOrName) {
			found = append(found, n)
		}
	}
	switch len(found) {
	case 0:
		return nil, errNotFound(idOrName)
	case 1:
		return found[0], nil
	}
	return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("network %s is ambiguous (%d matches found based on ID prefix)", idOrName, len(found)))
}

// sorted lists the networks by name (stable output, stable rules).
func (s *Service) sorted() []*netState {
	out := make([]*netState, 0, len(s.nets))
	for _, n := range s.nets {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].rec.Name < out[j].rec.Name })
	return out
}

func nowUTC() time.Time { return time.Now().UTC() }

// parseMTU reads com.docker.network.driver.mtu.
func parseMTU(v string) (int, bool) {
	if v == "" {
		return 0, false
	}
	m, err := strconv.Atoi(v)
	if err != nil || m <= 0 {
		return 0, false
	}
	return m, true
}
