package cli

import (
	"fmt"
	"slices"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
)

// inspectCmd is `skiff inspect`: any object by name or ID, tried as each
// type in docker's order until one is found.
type inspectCmd struct {
	Format string   `short:"f" placeholder:"TEMPLATE" help:"Format output using a custom template: 'json' or a Go template."`
	Size   bool     `short:"s" help:"Display total file sizes if the type is container."`
	Type   string   `placeholder:"TYPE" help:"Only inspect objects of the given type (container, image, network)."`
	Names  []string `arg:"" name:"name|id" help:"Objects to inspect."`
}

// inspectTypes are the object types `skiff inspect` knows, in docker's
// search order.
var inspectTypes = []string{"container", "image", "network"}

// Run prints each object's details.
func (c *inspectCmd) Run(a *app) error {
	if c.Type != "" && !slices.Contains(inspectTypes, c.Type) {
		return fmt.Errorf("unknown type: %q: must be one of \"%s\"", c.Type, strings.Join(inspectTypes, `", "`))
	}
	images, err := a.inspectImage("")
	if err != nil {
		return err
	}
	containers, err := a.inspectContainer(c.Size)
	if err != nil {
		return err
	}
	networks, err := a.inspectNetwork(false)
	if err != nil {
		return err
	}
	getters := map[string]inspectFunc{"container": containers, "image": images, "network": networks}
	return inspectObjects(a.Stdout, c.Names, c.Format, func(ref string) (any, []byte, error) {
		for _, typ := range inspectTypes {
			if c.Type != "" && typ != c.Type {
				continue
			}
			v, raw, err := getters[typ](ref)
			if err != nil {
				if c.Type == "" && skippableInspectError(err) {
					continue
				}
				return nil, nil, err
			}
			if c.Size && typ != "container" {
				fmt.Fprintln(a.Stderr, "WARNING: --size ignored for", typ)
			}
			return v, raw, nil
		}
		return nil, nil, fmt.Errorf("Error: No such object: %s", ref)
	})
}

// skippableInspectError says the object is not of the type tried: not
// found, or a route the daemon does not implement yet.
func skippableInspectError(err error) bool {
	return cerrdefs.IsNotFound(err) || cerrdefs.IsNotImplemented(err) ||
		strings.Contains(err.Error(), "invalid reference format")
}
