package volumes

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/containerd/errdefs"

	"github.com/skiff-engine/skiff/internal/volumes/plugin"
)

// pluginSet finds, activates and caches volume plugin clients. Its lock
// guards only the cache: discovery and activation run without it, so a
// plugin that hangs never blocks another.
type pluginSet struct {
	dirs []string

	mu      sync.Mutex
	clients map[string]*pluginClient
}

type pluginClient struct {
	*plugin.Client
	scope string
}

func newPluginSet(dirs []string) *pluginSet {
	return &pluginSet{dirs: dirs, clients: map[string]*pluginClient{}}
}

// get returns an activated client for the plugin name. Errors are worded
// as dockerd's "error looking up volume plugin <name>: ...": NotFound
// when no plugin of that name exists, Unavailable when it does not answer.
func (p *pluginSet) get(ctx context.Context, name string) (*pluginClient, error) {
	p.mu.Lock()
	c := p.clients[name]
	p.mu.Unlock()
	if c != nil {
		return c, nil
	}
	lookupErr := func(err error) error { return fmt.Errorf("error looking up volume plugin %s: %w", name, err) }
	spec, err := plugin.Lookup(p.dirs, name)
	if err != nil {
		if errors.Is(err, plugin.ErrNotFound) {
			return nil, errdefs.ErrNotFound.WithMessage(fmt.Sprintf("error looking up volume plugin %s: plugin %q not found", name, name))
		}
		return nil, lookupErr(err)
	}
	cl, err := plugin.NewClient(spec)
	if err != nil {
		return nil, lookupErr(err)
	}
	if err := cl.Activate(ctx); err != nil {
		return nil, lookupErr(err)
	}
	c = &pluginClient{Client: cl, scope: "local"}
	if caps, err := cl.Capabilities(ctx); err == nil && (caps.Scope == "global" || caps.Scope == "local") {
		c.scope = caps.Scope
	}
	p.mu.Lock()
	if old := p.clients[name]; old != nil {
		c = old
	} else {
		p.clients[name] = c
	}
	p.mu.Unlock()
	return c, nil
}

// forget drops a client after the plugin stopped answering, so the next
// call finds and activates it again (it may have restarted elsewhere).
func (p *pluginSet) forget(name string, err error) {
	var ue *plugin.UnavailableError
	if !errors.As(err, &ue) {
		return
	}
	p.mu.Lock()
	delete(p.clients, name)
	p.mu.Unlock()
}

// names lists the plugins present in the plugin directories.
func (p *pluginSet) names() []string { return plugin.Scan(p.dirs) }
