package cli

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/alecthomas/kong"
	"github.com/distribution/reference"
	"github.com/docker/go-units"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/client"

	"github.com/skiff-engine/skiff/cli/format"
)

// imagesCmd is `skiff images`, `skiff image ls` and `skiff image list`.
type imagesCmd struct {
	All       bool     `short:"a" help:"Show all images (default hides intermediate images)."`
	Quiet     bool     `short:"q" help:"Only show image IDs."`
	Digests   bool     `help:"Show digests."`
	NoTrunc   bool     `help:"Don't truncate output."`
	Filter    []string `short:"f" sep:"none" placeholder:"FILTER" help:"Filter output based on conditions provided."`
	Format    string   `placeholder:"TEMPLATE" help:"Format output using a custom template: 'table', 'table TEMPLATE', 'json' or a Go template."`
	Reference string   `arg:"" optional:"" name:"repository[:tag]" help:"Only list images matching this reference."`
}

// The default `docker images` layouts (docker 28 shows its tree view only
// with --tree, which skiff does not have).
const (
	imageTableFormat       = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}"
	imageDigestTableFormat = "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}"
	quietFormat            = "{{.ID}}"
)

// imageHeaders are the column titles of image tables.
var imageHeaders = map[string]string{
	"ID": "IMAGE ID", "Repository": "REPOSITORY", "Tag": "TAG", "Digest": "DIGEST",
	"CreatedSince": "CREATED", "CreatedAt": "CREATED AT", "Size": "SIZE",
	"Containers": "CONTAINERS", "VirtualSize": "SIZE", "SharedSize": "SHARED SIZE", "UniqueSize": "UNIQUE SIZE",
}

// Run lists the images, one row per repository and tag as docker does.
func (c *imagesCmd) Run(a *app, k *kong.Context) error {
	filters, err := parseFilters("-f, --filter", c.Filter)
	if err != nil {
		return err
	}
	if c.Reference != "" {
		filters.Add("reference", c.Reference)
	}
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	res, err := cl.ImageList(a.ctx, client.ImageListOptions{All: c.All, Filters: filters})
	if err != nil {
		return err
	}
	f := c.Format
	if !c.Quiet {
		f = a.formatOrConfig(f, "imagesFormat")
	}
	f = imageFormat(f, c.Quiet, c.Digests)
	w, err := format.New(a.Stdout, format.Format(f), "", false, imageHeaders)
	if err != nil {
		return err
	}
	withDigest := c.Digests || strings.Contains(f, "{{.Digest}}")
	for _, img := range res.Items {
		for _, row := range imageRows(img, withDigest, c.Digests, !c.NoTrunc) {
			if err := w.Write(row); err != nil {
				return err
			}
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if c.Reference != "" && len(res.Items) == 0 && k.Selected().Name == "images" {
		printAmbiguousHint(a, c.Reference)
	}
	return nil
}

// imageFormat is the template `images` renders, given the user's --format:
// docker's defaults for "" and "table", with a DIGEST column added to a
// custom table when --digests asks for it.
func imageFormat(f string, quiet, digests bool) string {
	switch strings.TrimSpace(f) {
	case "", format.TablePrefix:
		switch {
		case quiet:
			return quietFormat
		case digests:
			return imageDigestTableFormat
		}
		return imageTableFormat
	}
	if format.Format(f).IsTable() && digests && !strings.Contains(f, "{{.Digest}}") {
		f += `\t{{.Digest}}`
	}
	return f
}

// imageRows expands an image into its rows: one per repository:tag (times
// each digest of that repository when digests are shown), one per digest
// of a repository without tags, or a single <none> row for a dangling one.
func imageRows(img image.Summary, withDigest, digestRows, trunc bool) []*imageRow {
	row := func(repo, tag, digest string) *imageRow {
		return &imageRow{img: img, trunc: trunc, repo: repo, tag: tag, digest: digest}
	}
	if isDangling(img) {
		return []*imageRow{row("<none>", "<none>", "<none>")}
	}
	var repos []string // in the order the daemon listed them
	tags := map[string][]string{}
	digests := map[string][]string{}
	for _, s := range img.RepoTags {
		ref, err := reference.ParseNormalizedNamed(s)
		if err != nil {
			continue
		}
		if nt, ok := ref.(reference.NamedTagged); ok {
			name := reference.FamiliarName(ref)
			if _, seen := tags[name]; !seen {
				repos = append(repos, name)
			}
			tags[name] = append(tags[name], nt.Tag())
		}
	}
	var digestOnly []string
	for _, s := range img.RepoDigests {
		ref, err := reference.ParseNormalizedNamed(s)
		if err != nil {
			continue
		}
		if c, ok := ref.(reference.Canonical); ok {
			name := reference.FamiliarName(ref)
			_, tagged := tags[name]
			if _, seen := digests[name]; !seen && !tagged {
				digestOnly = append(digestOnly, name)
			}
			digests[name] = append(digests[name], c.Digest().String())
		}
	}
	var rows []*imageRow
	for _, repo := range repos {
		ds := digests[repo]
		if !withDigest {
			ds = nil
		}
		for _, tag := range tags[repo] {
			if len(ds) == 0 {
				rows = append(rows, row(repo, tag, "<none>"))
			}
			for _, d := range ds {
				rows = append(rows, row(repo, tag, d))
			}
		}
	}
	for _, repo := range digestOnly {
		if !digestRows {
			rows = append(rows, row(repo, "<none>", ""))
			continue
		}
		for _, d := range digests[repo] {
			rows = append(rows, row(repo, "<none>", d))
		}
	}
	return rows
}

func isDangling(img image.Summary) bool {
	if len(img.RepoTags) == 0 && len(img.RepoDigests) == 0 {
		return true
	}
	return len(img.RepoTags) == 1 && img.RepoTags[0] == "<none>:<none>" &&
		len(img.RepoDigests) == 1 && img.RepoDigests[0] == "<none>@<none>"
}

// imageRow is one row of `images`: the fields --format templates see.
type imageRow struct {
	img               image.Summary
	trunc             bool
	repo, tag, digest string
}

// ID is the image ID, short unless --no-trunc.
func (r *imageRow) ID() string {
	if r.trunc {
		return truncateID(r.img.ID)
	}
	return r.img.ID
}

// Repository is the familiar repository name ("busybox", "<none>").
func (r *imageRow) Repository() string { return r.repo }

// Tag is the row's tag or "<none>".
func (r *imageRow) Tag() string { return r.tag }

// Digest is the repository digest or "<none>".
func (r *imageRow) Digest() string { return r.digest }

// CreatedSince is "3 days ago".
func (r *imageRow) CreatedSince() string {
	return units.HumanDuration(time.Now().UTC().Sub(time.Unix(r.img.Created, 0))) + " ago"
}

// CreatedAt is the creation time as Go prints it, as docker does.
func (r *imageRow) CreatedAt() string { return time.Unix(r.img.Created, 0).String() }

// Size is the image size with three significant digits ("4.26MB").
func (r *imageRow) Size() string { return units.HumanSizeWithPrecision(float64(r.img.Size), 3) }

// VirtualSize is Size, kept for old templates.
func (r *imageRow) VirtualSize() string { return units.HumanSize(float64(r.img.Size)) }

// Containers is the number of containers using the image, or N/A.
func (r *imageRow) Containers() string {
	if r.img.Containers == -1 {
		return "N/A"
	}
	return strconv.FormatInt(r.img.Containers, 10)
}

// SharedSize is the size shared with other images, or N/A.
func (r *imageRow) SharedSize() string {
	if r.img.SharedSize == -1 {
		return "N/A"
	}
	return units.HumanSize(float64(r.img.SharedSize))
}

// UniqueSize is the size not shared with other images, or N/A.
func (r *imageRow) UniqueSize() string {
	if r.img.Size == -1 || r.img.SharedSize == -1 {
		return "N/A"
	}
	return units.HumanSize(float64(r.img.Size - r.img.SharedSize))
}

// MarshalJSON gives `--format json` docker's keys: every field above.
func (r *imageRow) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{
		"ID": r.ID(), "Repository": r.repo, "Tag": r.tag, "Digest": r.digest,
		"CreatedSince": r.CreatedSince(), "CreatedAt": r.CreatedAt(), "Size": r.Size(),
		"VirtualSize": r.VirtualSize(), "Containers": r.Containers(),
		"SharedSize": r.SharedSize(), "UniqueSize": r.UniqueSize(),
	})
}

// truncateID shortens an ID to 12 characters after its algorithm prefix.
func truncateID(id string) string {
	if _, hex, ok := strings.Cut(id, ":"); ok {
		id = hex
	}
	if len(id) > 12 {
		id = id[:12]
	}
	return id
}

// printAmbiguousHint is docker's hint for `images pull` and the like, when
// the user meant a subcommand of `image`.
func printAmbiguousHint(a *app, name string) {
	switch name {
	case "build", "history", "import", "inspect", "list", "load", "ls", "prune", "pull", "push", "rm", "save", "tag":
		fmt.Fprintf(a.Stderr, "\nNo images found matching %q: did you mean \"skiff image %[1]s\"?\n", name)
	}
}
