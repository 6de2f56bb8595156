package containers

import "github.com/skiff-engine/skiff/api/server"

var _ server.ContainersBackend = (*Service)(nil)
