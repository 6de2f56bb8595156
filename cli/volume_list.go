package cli

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/docker/go-units"
	"github.com/moby/moby/api/types/volume"
	"github.com/moby/moby/client"

	"github.com/skiff-engine/skiff/cli/format"
)

// volumeListCmd is `skiff volume ls` and `skiff volume list`.
type volumeListCmd struct {
	Quiet  bool     `short:"q" help:"Only display volume names."`
	Format string   `placeholder:"TEMPLATE" help:"Format output using a custom template: 'table', 'table TEMPLATE', 'json' or a Go template."`
	Filter []string `short:"f" sep:"none" placeholder:"FILTER" help:"Provide filter values (e.g. \"dangling=true\")."`
}

// docker's default `volume ls` layouts.
const (
	volumeTableFormat = "table {{.Driver}}\t{{.Name}}"
	volumeQuietFormat = "{{.Name}}"
)

// volumeHeaders are the column titles of volume tables.
var volumeHeaders = map[string]string{
	"Name": "VOLUME NAME", "Driver": "DRIVER", "Scope": "SCOPE", "Mountpoint": "MOUNTPOINT",
	"Labels": "LABELS", "Links": "LINKS", "Size": "SIZE", "Group": "GROUP",
	"Availability": "AVAILABILITY", "Status": "STATUS",
}

// Run lists the volumes sorted by name, as docker does.
func (c *volumeListCmd) Run(a *app) error {
	filters, err := parseFilters("-f, --filter", c.Filter)
	if err != nil {
		return err
	}
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	res, err := cl.VolumeList(a.ctx, client.VolumeListOptions{Filters: filters})
	if err != nil {
		return err
	}
	f := c.Format
	if !c.Quiet {
		f = a.formatOrConfig(f, "volumesFormat")
	}
	switch strings.TrimSpace(f) {
	case "", format.TablePrefix:
		f = volumeTableFormat
		if c.Quiet {
			f = volumeQuietFormat
		}
	}
	w, err := format.New(a.Stdout, format.Format(f), "", false, volumeHeaders)
	if err != nil {
		return err
	}
	items := res.Items
	sort.SliceStable(items, func(i, j int) bool { return naturalLess(items[i].Name, items[j].Name) })
	for _, v := range items {
		if err := w.Write(&volumeRow{v: v}); err != nil {
			return err
		}
	}
	return w.Flush()
}

// volumeRow is one row of `volume ls`: the fields --format templates see.
type volumeRow struct {
	v volume.Volume
}

// Name is the volume's name.
func (r *volumeRow) Name() string { return r.v.Name }

// Driver is the volume's driver.
func (r *volumeRow) Driver() string { return r.v.Driver }

// Scope is "local" or "global".
func (r *volumeRow) Scope() string { return r.v.Scope }

// Mountpoint is where the volume's data lives on the engine's host.
func (r *volumeRow) Mountpoint() string { return r.v.Mountpoint }

// Labels is "k=v,k2=v2", sorted.
func (r *volumeRow) Labels() string {
	l := make([]string, 0, len(r.v.Labels))
	for k, v := range r.v.Labels {
		l = append(l, k+"="+v)
	}
	sort.Strings(l)
	return strings.Join(l, ",")
}

// Label is the value of one label.
func (r *volumeRow) Label(name string) string { return r.v.Labels[name] }

// Links is how many containers use the volume ("N/A" when not known).
func (r *volumeRow) Links() string {
	if r.v.UsageData == nil {
		return "N/A"
	}
	return strconv.FormatInt(r.v.UsageData.RefCount, 10)
}

// Size is the volume's disk usage ("N/A" when not known).
func (r *volumeRow) Size() string {
	if r.v.UsageData == nil || r.v.UsageData.Size < 0 {
		return "N/A"
	}
	return units.HumanSize(float64(r.v.UsageData.Size))
}

// Group, Availability and Status are for cluster volumes, which skiff
// does not have.
func (r *volumeRow) Group() string        { return "" }
func (r *volumeRow) Availability() string { return "N/A" }
func (r *volumeRow) Status() string       { return "N/A" }

// MarshalJSON gives `--format json` docker's keys.
func (r *volumeRow) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{
		"Name": r.Name(), "Driver": r.Driver(), "Scope": r.Scope(), "Mountpoint": r.Mountpoint(),
		"Labels": r.Labels(), "Links": r.Links(), "Size": r.Size(), "Group": r.Group(),
		"Availability": r.Availability(), "Status": r.Status(),
	})
}
