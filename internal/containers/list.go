package containers

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"

	"github.com/skiff-engine/skiff/api/server"
	"github.com/skiff-engine/skiff/internal/filters"
)

// listFilters are the keys GET /containers/json accepts.
var listFilters = map[string]bool{
	"id": true, "name": true, "label": true, "status": true, "ancestor": true,
	"exited": true, "before": true, "since": true, "volume": true, "network": true,
	"health": true, "isolation": true, "is-task": true, "publish": true, "expose": true,
}

// view is a snapshot of a container for listing and filtering.
type view struct {
	rec      record
	removing bool
}

// listQuery is a parsed filter set.
type listQuery struct {
	f           filters.Args
	all         bool
	exited      []int
	before      time.Time
	since       time.Time
	ancestorIDs map[string]bool // nil: no ancestor filter
}

// List answers GET /containers/json: newest first, running ones only
// unless all, a status filter or a limit asks for more.
func (s *Service) List(ctx context.Context, opts server.ListOptions) ([]container.Summary, error) {
	q, err := s.parseListQuery(ctx, opts)
	if err != nil {
		return nil, err
	}
	var views []view
	for _, c := range s.sorted() {
		c.mu.Lock()
		views = append(views, view{rec: c.rec, removing: c.removing})
		c.mu.Unlock()
	}
	out := []container.Summary{}
	now := time.Now()
	for _, v := range views {
		if !q.match(&v) {
			continue
		}
		out = append(out, s.summary(&v, now, opts.Size))
		if opts.Limit > 0 && len(out) >= opts.Limit {
			break
		}
	}
	return out, nil
}

func (s *Service) parseListQuery(ctx context.Context, opts server.ListOptions) (*listQuery, error) {
	f := opts.Filters
	if err := f.Validate(listFilters); err != nil {
		return nil, err
	}
	q := &listQuery{f: f, all: opts.All || opts.Limit > 0}
	for _, v := range f.Get("status") {
		if err := container.ValidateContainerState(container.ContainerState(v)); err != nil {
			return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid filter 'status=%s'", v))
		}
		q.all = true
	}
	for _, v := range f.Get("health") {
		if container.ValidateHealthStatus(container.HealthStatus(v)) != nil {
			return nil, errdefs.ErrInvalidArgument.WithMessage("Unrecognised filter value for health: " + v)
		}
	}
	for _, v := range f.Get("exited") {
		code, err := strconv.Atoi(v)
		if err != nil {
			return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid filter 'exited=%s'", v))
		}
		q.exited = append(q.exited, code)
	}
	for _, key := range []string{"before", "since"} {
		for _, v := range f.Get(key) {
			c, err := s.get(v)
			if err != nil {
				return nil, err
			}
			c.mu.Lock()
			t := c.rec.Created
			c.mu.Unlock()
			if key == "before" {
				q.before = t
			} else {
				q.since = t
			}
		}
	}
	if refs := f.Get("ancestor"); len(refs) > 0 {
		// dockerd: the image and every image built on it, by ID; an
		// unknown image matches nothing.
		q.ancestorIDs = map[string]bool{}
		for _, r := range refs {
			ids, err := s.opt.Images.Descendants(ctx, r)
			if err != nil {
				s.log.Debug().Err(err).Str("ancestor", r).Msg("ps ancestor filter")
				continue
			}
			for _, id := range ids {
				q.ancestorIDs["sha256:"+id] = true
			}
		}
	}
	return q, nil
}

// match applies the query to one container.
func (q *listQuery) match(v *view) bool {
	rec := &v.rec
	st := &rec.State
	if !q.all && !st.Running {
		return false
	}
	f := q.f
	if !f.Match("id", rec.ID) && !f.FuzzyMatch("id", rec.ID) {
		return false
	}
	if !f.Match("name", strings.TrimPrefix(rec.Name, "/")) {
		return false
	}
	if !f.MatchKVList("label", rec.Config.Labels) {
		return false
	}
	if !f.ExactMatch("status", string(status(st, v.removing))) {
		return false
	}
	if len(q.exited) > 0 {
		if st.Running || st.StartedAt.IsZero() {
			return false
		}
		found := false
		for _, code := range q.exited {
			found = found || code == st.ExitCode
		}
		if !found {
			return false
		}
	}
	if !q.before.IsZero() && !rec.Created.Before(q.before) {
		return false
	}
	if !q.since.IsZero() && !rec.Created.After(q.since) {
		return false
	}
	if q.ancestorIDs != nil && !q.ancestorIDs[rec.ImageID] {
		return false
	}
	if f.Contains("volume") {
		found := false
		for _, m := range mountsOf(rec) {
			// dockerd matches a volume's name (a bind's source) or the
			// destination.
			nameOrSource := m.Name
			if nameOrSource == "" {
				nameOrSource = m.Source
			}
			found = found || f.ExactMatch("volume", nameOrSource) || f.ExactMatch("volume", m.Destination)
		}
		if !found {
			return false
		}
	}
	if !f.ExactMatch("network", string(rec.HostConfig.NetworkMode)) {
		return false
	}
	if !f.ExactMatch("health", string(healthStatus(st))) {
		return false
	}
	if f.Contains("is-task") {
		if isTask, err := f.GetBoolOrDefault("is-task", false); err != nil || isTask {
			return false
		}
	}
	if f.Contains("expose") {
		found := false
		for p := range rec.Config.ExposedPorts {
			found = found || f.ExactMatch("expose", p.String()) || f.ExactMatch("expose", p.Port())
		}
		if !found {
			return false
		}
	}
	if f.Contains("publish") {
		// No published ports until networks exist.
		return false
	}
	return true
}

// sorted returns the containers, newest first.
func (s *Service) sorted() []*ctr {
	all := s.all()
	created := make(map[*ctr]time.Time, len(all))
	for _, c := range all {
		c.mu.Lock()
		created[c] = c.rec.Created
		c.mu.Unlock()
	}
	sort.Slice(all, func(i, j int) bool { return created[all[i]].After(created[all[j]]) })
	return all
}

// summary is one entry of `docker ps`.
func (s *Service) summary(v *view, now time.Time, size bool) container.Summary {
	rec := &v.rec
	mps := mountsOf(rec)
	sum := container.Summary{
		ID:      rec.ID,
		Names:   []string{rec.Name},
		Image:   rec.Image,
		ImageID: rec.ImageID,
		Command: commandLine(rec.Path, rec.Args),
		Created: rec.Created.Unix(),
		Ports:   []container.PortSummary{},
		Labels:  rec.Config.Labels,
		State:   status(&rec.State, v.removing),
		Status:  humanStatus(&rec.State, v.removing, now),
		Mounts:  apiMounts(mps),
		Health:  healthSummary(&rec.State),
		NetworkSettings: &container.NetworkSettingsSummary{
			Networks: map[string]*network.EndpointSettings{},
		},
	}
	if sum.Labels == nil {
		sum.Labels = map[string]string{}
	}
	sum.HostConfig.NetworkMode = string(rec.HostConfig.NetworkMode)
	sum.NetworkSettings.Networks = networkSettings(rec).Networks
	if size {
		if store, err := s.opt.Images.Store(context.Background()); err == nil {
			rw, _ := store.ContainerSize(rec.ID)
			sum.SizeRw = rw
			if sc, err := store.Container(rec.ID); err == nil {
				img, _ := store.ImageSize(sc.ImageID)
				sum.SizeRootFs = rw + img
			}
		}
	}
	return sum
}

// commandLine is ps's COMMAND: arguments with spaces are quoted.
func commandLine(path string, args []string) string {
	parts := []string{path}
	for _, a := range args {
		if strings.Contains(a, " ") {
			a = "'" + a + "'"
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}
