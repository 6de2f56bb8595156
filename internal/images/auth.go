package images

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/registry"
	"go.podman.io/image/v5/docker"
)

// Login answers POST /auth: it checks the credentials against the registry
// (the daemon keeps none; the client stores them), as dockerd does.
func (s *Service) Login(ctx context.Context, ac registry.AuthConfig) (registry.AuthResponse, error) {
	host := registryHost(ac.ServerAddress)
	named, err := ParseReference(host + "/login-check")
	if err != nil {
		return registry.AuthResponse{}, errdefs.ErrInvalidArgument.WithMessage("invalid registry address " + ac.ServerAddress)
	}
	sys := s.registryContext(named, nil)
	if err := docker.CheckAuth(ctx, sys, ac.Username, ac.Password, host); err != nil {
		var unauth docker.ErrUnauthorizedForCredentials
		if errors.As(err, &unauth) {
			scheme := "https"
			if s.insecure(host) {
				scheme = "http"
			}
			// dockerd's wording, which scripts and the docker CLI show.
			return registry.AuthResponse{}, errdefs.ErrUnauthenticated.WithMessage(fmt.Sprintf("login attempt to %s://%s/v2/ failed with status: 401 Unauthorized", scheme, host))
		}
		return registry.AuthResponse{}, errdefs.ErrUnknown.WithMessage(err.Error())
	}
	return registry.AuthResponse{Status: "Login Succeeded"}, nil
}

// registryHost reduces a server address ("https://index.docker.io/v1/",
// "http://127.0.0.1:5000", "127.0.0.1:5000") to the host[:port] image/v5
// expects; Docker Hub's legacy names become docker.io.
func registryHost(addr string) string {
	h := addr
	if u, err := url.Parse(addr); err == nil && u.Host != "" {
		h = u.Host
	}
	h = strings.TrimSuffix(h, "/")
	switch h {
	case "", "index.docker.io", "registry-1.docker.io", "docker.io":
		return "docker.io"
	}
	return h
}
