package cli

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"

	"github.com/skiff-engine/skiff/cli/format"
)

// networkListCmd is `skiff network ls` and `skiff network list`.
type networkListCmd struct {
	Quiet   bool     `short:"q" help:"Only display network IDs."`
	NoTrunc bool     `help:"Do not truncate the output."`
	Format  string   `placeholder:"TEMPLATE" help:"Format output using a custom template: 'table', 'table TEMPLATE', 'json' or a Go template."`
	Filter  []string `short:"f" sep:"none" placeholder:"FILTER" help:"Provide filter values (e.g. \"driver=bridge\")."`
}

// networkTableFormat is docker's default `network ls` layout.
const networkTableFormat = "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}"

// networkHeaders are the column titles of network tables.
var networkHeaders = map[string]string{
	"ID": "NETWORK ID", "Name": "NAME", "Driver": "DRIVER", "Scope": "SCOPE",
	"IPv4": "IPV4", "IPv6": "IPV6", "Internal": "INTERNAL", "Labels": "LABELS", "CreatedAt": "CREATED AT",
}

// Run lists the networks sorted by name, as docker does.
func (c *networkListCmd) Run(a *app) error {
	filters, err := parseFilters("-f, --filter", c.Filter)
	if err != nil {
		return err
	}
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	res, err := cl.NetworkList(a.ctx, client.NetworkListOptions{Filters: filters})
	if err != nil {
		return err
	}
	f := c.Format
	if !c.Quiet {
		f = a.formatOrConfig(f, "networksFormat")
	}
	f = networkFormat(f, c.Quiet)
	w, err := format.New(a.Stdout, format.Format(f), "", false, networkHeaders)
	if err != nil {
		return err
	}
	items := res.Items
	sort.SliceStable(items, func(i, j int) bool { return naturalLess(items[i].Name, items[j].Name) })
	for _, n := range items {
		if err := w.Write(&networkRow{n: n, trunc: !c.NoTrunc}); err != nil {
			return err
		}
	}
	return w.Flush()
}

// networkFormat is the template `network ls` renders for the user's
// --format: docker's defaults for "" and "table" (just IDs with -q).
func networkFormat(f string, quiet bool) string {
	switch strings.TrimSpace(f) {
	case "", format.TablePrefix:
		if quiet {
			return quietFormat
		}
		return networkTableFormat
	case "raw":
		if quiet {
			return `network_id: {{.ID}}`
		}
		return `network_id: {{.ID}}\nname: {{.Name}}\ndriver: {{.Driver}}\nscope: {{.Scope}}\n`
	}
	return f
}

// networkRow is one row of `network ls`: the fields --format templates see.
type networkRow struct {
	n     network.Summary
	trunc bool
}

// ID is the network ID, 12 characters unless --no-trunc.
func (r *networkRow) ID() string {
	if r.trunc {
		return truncateID(r.n.ID)
	}
	return r.n.ID
}

// Name is the network's name.
func (r *networkRow) Name() string { return r.n.Name }

// Driver is the network's driver ("bridge", "host", "null").
func (r *networkRow) Driver() string { return r.n.Driver }

// Scope is "local" (or "swarm", "global").
func (r *networkRow) Scope() string { return r.n.Scope }

// IPv4 says whether IPv4 is enabled.
func (r *networkRow) IPv4() string { return strconv.FormatBool(r.n.EnableIPv4) }

// IPv6 says whether IPv6 is enabled.
func (r *networkRow) IPv6() string { return strconv.FormatBool(r.n.EnableIPv6) }

// Internal says whether the network is cut off from the outside.
func (r *networkRow) Internal() string { return strconv.FormatBool(r.n.Internal) }

// Labels is "k=v,k2=v2" (sorted, where docker leaves map order).
func (r *networkRow) Labels() string {
	l := make([]string, 0, len(r.n.Labels))
	for k, v := range r.n.Labels {
		l = append(l, k+"="+v)
	}
	sort.Strings(l)
	return strings.Join(l, ",")
}

// Label is the value of one label.
func (r *networkRow) Label(name string) string { return r.n.Labels[name] }

// CreatedAt is the creation time as Go prints it, as docker does.
func (r *networkRow) CreatedAt() string { return r.n.Created.String() }

// MarshalJSON gives `--format json` docker's keys.
func (r *networkRow) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{
		"ID": r.ID(), "Name": r.Name(), "Driver": r.Driver(), "Scope": r.Scope(),
		"IPv4": r.IPv4(), "IPv6": r.IPv6(), "Internal": r.Internal(),
		"Labels": r.Labels(), "CreatedAt": r.CreatedAt(),
	})
}

// naturalLess orders strings with digit runs compared as numbers
// ("net2" before "net10"), as docker's sortorder.NaturalLess does.
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if na != nb {
				return na < nb
			}
			if da != db { // same value, fewer leading zeros first
				return da < db
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func digitRun(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}
