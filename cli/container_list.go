package cli

import (
	"fmt"
	"strings"

	"github.com/moby/moby/client"

	"github.com/skiff-engine/skiff/cli/format"
)

// psCmd is `skiff ps` and `skiff container ls|list|ps`.
type psCmd struct {
	All     bool     `short:"a" help:"Show all containers (default shows just running)."`
	Filter  []string `short:"f" sep:"none" placeholder:"FILTER" help:"Filter output based on conditions provided."`
	Format  string   `placeholder:"TEMPLATE" help:"Format output using a custom template: 'table', 'table TEMPLATE', 'json' or a Go template."`
	Last    int      `short:"n" default:"-1" placeholder:"N" help:"Show n last created containers (includes all states)."`
	Latest  bool     `help:"Show the latest created container (includes all states) (-l)."`
	NoTrunc bool     `help:"Don't truncate output."`
	Quiet   bool     `short:"q" help:"Only display container IDs."`
	Size    bool     `short:"s" help:"Display total file sizes."`
}

// defaultContainerTable is docker's `ps` layout.
const defaultContainerTable = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"

// Run lists the containers.
func (c *psCmd) Run(a *app) error {
	filters, err := parseFilters("-f, --filter", c.Filter)
	if err != nil {
		return err
	}
	f := a.formatOrConfig(c.Format, "psFormat")
	if c.Format != "" && c.Quiet {
		fmt.Fprintln(a.Stderr, "WARNING: Ignoring custom format, because both --format and --quiet are set.")
	}
	opts := client.ContainerListOptions{All: c.All, Limit: c.Last, Size: c.Size, Filters: filters}
	if c.Latest && c.Last == -1 {
		opts.Limit = 1
	}
	if !c.Quiet && strings.Contains(f, ".Size") {
		opts.Size = true
	}
	f = containerFormat(f, c.Quiet, opts.Size)
	w, err := format.New(a.Stdout, format.Format(f), "", false, containerHeader{})
	if err != nil {
		return err
	}
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	res, err := cl.ContainerList(a.ctx, opts)
	if err != nil {
		return err
	}
	for _, s := range res.Items {
		if err := w.Write(&containerRow{c: s, trunc: !c.NoTrunc}); err != nil {
			return err
		}
	}
	return w.Flush()
}

// containerFormat is the template `ps` renders: docker's table (with a
// SIZE column for -s) for "" and "table", the ID alone for -q.
func containerFormat(f string, quiet, size bool) string {
	switch {
	case quiet:
		return "{{.ID}}"
	case strings.TrimSpace(f) == "" || strings.TrimSpace(f) == format.TablePrefix:
		if size {
			return defaultContainerTable + `\t{{.Size}}`
		}
		return defaultContainerTable
	}
	return f
}

// containerHeader renders the column titles of container tables.
type containerHeader struct{}

func (containerHeader) ID() string           { return "CONTAINER ID" }
func (containerHeader) Names() string        { return "NAMES" }
func (containerHeader) Image() string        { return "IMAGE" }
func (containerHeader) Command() string      { return "COMMAND" }
func (containerHeader) CreatedAt() string    { return "CREATED AT" }
func (containerHeader) RunningFor() string   { return "CREATED" }
func (containerHeader) Ports() string        { return "PORTS" }
func (containerHeader) State() string        { return "STATE" }
func (containerHeader) Status() string       { return "STATUS" }
func (containerHeader) Size() string         { return "SIZE" }
func (containerHeader) Labels() string       { return "LABELS" }
func (containerHeader) Mounts() string       { return "MOUNTS" }
func (containerHeader) LocalVolumes() string { return "LOCAL VOLUMES" }
func (containerHeader) Networks() string     { return "NETWORKS" }
func (containerHeader) Platform() string     { return "PLATFORM" }

// Label titles a {{.Label "com.example.x"}} column by the key's last part.
func (containerHeader) Label(name string) string {
	parts := strings.Split(name, ".")
	return strings.ToUpper(parts[len(parts)-1])
}
