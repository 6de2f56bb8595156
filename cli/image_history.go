package cli

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/docker/go-units"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/client"

	"github.com/skiff-engine/skiff/cli/format"
)

// historyCmd is `skiff history` and `skiff image history`.
type historyCmd struct {
	Human    bool   `default:"true" negatable:"" help:"Print sizes and dates in human readable format (-H)."`
	Quiet    bool   `short:"q" help:"Only show image IDs."`
	NoTrunc  bool   `help:"Don't truncate output."`
	Format   string `placeholder:"TEMPLATE" help:"Format output using a custom template: 'table', 'table TEMPLATE', 'json' or a Go template."`
	Platform string `placeholder:"PLATFORM" help:"Show history for the given platform: os[/arch[/variant]]."`
	Image    string `arg:"" name:"image" help:"Image to show the history of."`
}

// docker's history layouts.
const (
	historyTableFormat         = "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"
	historyNonHumanTableFormat = "table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"
)

var historyHeaders = map[string]string{
	"ID": "IMAGE", "CreatedSince": "CREATED", "CreatedAt": "CREATED AT",
	"CreatedBy": "CREATED BY", "Size": "SIZE", "Comment": "COMMENT",
}

// Run prints the image's layers, newest first as the daemon lists them.
func (c *historyCmd) Run(a *app) error {
	var opts []client.ImageHistoryOption
	if c.Platform != "" {
		p, err := parsePlatform(c.Platform)
		if err != nil {
			return err
		}
		opts = append(opts, client.ImageHistoryWithPlatform(p))
	}
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	res, err := cl.ImageHistory(a.ctx, c.Image, opts...)
	if err != nil {
		return err
	}
	f := c.Format
	if strings.TrimSpace(f) == "" || strings.TrimSpace(f) == format.TablePrefix {
		switch {
		case c.Quiet:
			f = quietFormat
		case !c.Human:
			f = historyNonHumanTableFormat
		default:
			f = historyTableFormat
		}
	}
	w, err := format.New(a.Stdout, format.Format(f), "", false, historyHeaders)
	if err != nil {
		return err
	}
	for _, h := range res.Items {
		if err := w.Write(&historyRow{h: h, human: c.Human, trunc: !c.NoTrunc}); err != nil {
			return err
		}
	}
	return w.Flush()
}

// historyRow is one layer of `history`: the fields templates see.
type historyRow struct {
	h     image.HistoryResponseItem
	human bool
	trunc bool
}

// historyEpoch: older creation times are unknown, shown as N/A.
var historyEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Unix()

// ID is the layer's image ID ("<missing>" for layers of pulled images).
func (r *historyRow) ID() string {
	if r.trunc {
		return truncateID(r.h.ID)
	}
	return r.h.ID
}

// CreatedAt is the creation time in RFC 3339.
func (r *historyRow) CreatedAt() string { return time.Unix(r.h.Created, 0).Format(time.RFC3339) }

// CreatedSince is "2 weeks ago", or CreatedAt with -H=false.
func (r *historyRow) CreatedSince() string {
	if !r.human {
		return r.CreatedAt()
	}
	if r.h.Created <= historyEpoch {
		return "N/A"
	}
	return units.HumanDuration(time.Now().UTC().Sub(time.Unix(r.h.Created, 0))) + " ago"
}

// CreatedBy is the instruction that made the layer, cut to 45 columns
// unless --no-trunc.
func (r *historyRow) CreatedBy() string {
	s := strings.ReplaceAll(r.h.CreatedBy, "\t", " ")
	if r.trunc {
		return ellipsis(s, 45)
	}
	return s
}

// Size is the layer size, in bytes with -H=false.
func (r *historyRow) Size() string {
	if r.human {
		return units.HumanSizeWithPrecision(float64(r.h.Size), 3)
	}
	return strconv.FormatInt(r.h.Size, 10)
}

// Comment is the layer's comment.
func (r *historyRow) Comment() string { return r.h.Comment }

// MarshalJSON gives `--format json` docker's keys.
func (r *historyRow) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{
		"ID": r.ID(), "CreatedAt": r.CreatedAt(), "CreatedSince": r.CreatedSince(),
		"CreatedBy": r.CreatedBy(), "Size": r.Size(), "Comment": r.Comment(),
	})
}

// ellipsis cuts s to n characters, the last one an ellipsis (…).
func ellipsis(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 1 {
		return string([]rune(s)[:max(n, 0)])
	}
	return string([]rune(s)[:n-1]) + "…"
}
