package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/skiff-engine/skiff/cli/format"
)

// statsCmd is `skiff stats` and `skiff container stats`.
type statsCmd struct {
	All        bool     `short:"a" help:"Show all containers (default shows just running)."`
	Format     string   `placeholder:"TEMPLATE" help:"Format output using a custom template: 'table', 'table TEMPLATE', 'json' or a Go template."`
	NoStream   bool     `help:"Disable streaming stats and only pull the first result."`
	NoTrunc    bool     `help:"Do not truncate output."`
	Containers []string `arg:"" optional:"" name:"container" help:"Containers to show (default all running)."`
}

const (
	defaultStatsTable = "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}"
	// clearScreen moves to the top of a cleared terminal before a redraw.
	clearScreen = "\033[2J\033[H"
	statsPeriod = 500 * time.Millisecond
)

// Run shows the containers' resource usage: one table with --no-stream,
// otherwise a table redrawn every half second until the streams end.
func (c *statsCmd) Run(a *app) error {
	f := a.formatOrConfig(c.Format, "statsFormat")
	if f == "" || f == format.TablePrefix {
		f = defaultStatsTable
	}
	if _, err := format.Parse(format.Format(f).Template("")); err != nil {
		return err
	}
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	names := c.Containers
	if len(names) == 0 {
		res, err := cl.ContainerList(a.ctx, client.ContainerListOptions{All: c.All})
		if err != nil {
			return err
		}
		for _, s := range res.Items {
			names = append(names, truncateID(s.ID))
		}
	}
	entries := make([]*statsEntry, len(names))
	for i, n := range names {
		entries[i] = &statsEntry{container: n, id: n, trunc: !c.NoTrunc, invalid: true}
	}
	if c.NoStream {
		errs := eachContainer(names, func(n string) error {
			res, err := cl.ContainerStats(a.ctx, n, client.ContainerStatsOptions{IncludePreviousSample: true})
			if err != nil {
				return err
			}
			defer res.Body.Close()
			var s container.StatsResponse
			if err := json.NewDecoder(res.Body).Decode(&s); err != nil {
				return err
			}
			for i := range names {
				if names[i] == n {
					entries[i] = newStatsEntry(n, &s, !c.NoTrunc)
				}
			}
			return nil
		})
		var failed []error
		var shown []*statsEntry
		for i, err := range errs {
			if err != nil {
				failed = append(failed, errors.New(a.describe(err)))
				continue
			}
			shown = append(shown, entries[i])
		}
		if err := renderStats(a.Stdout, f, shown); err != nil {
			return err
		}
		return errors.Join(failed...)
	}
	return a.streamStats(cl, names, entries, f, !c.NoTrunc)
}

// streamStats follows every container's stats stream and redraws the
// table, clearing a terminal first, until all streams have ended. A
// container whose stream cannot be opened (no such container) fails the
// command once every stream has opened or failed, as docker does.
func (a *app) streamStats(cl *client.Client, names []string, entries []*statsEntry, f string, trunc bool) error {
	ctx, cancel := context.WithCancel(a.ctx) // ends the streams on return
	defer cancel()
	var mu sync.Mutex
	done := make(chan struct{})
	var wg, opened sync.WaitGroup
	openErrs := make([]error, len(names))
	for i, n := range names {
		wg.Add(1)
		opened.Add(1)
		go func() {
			defer wg.Done()
			res, err := cl.ContainerStats(ctx, n, client.ContainerStatsOptions{Stream: true})
			if err != nil {
				openErrs[i] = errors.New(a.describe(err))
				opened.Done()
				return
			}
			opened.Done()
			defer res.Body.Close()
			dec := json.NewDecoder(res.Body)
			for {
				var s container.StatsResponse
				if err := dec.Decode(&s); err != nil {
					return
				}
				e := newStatsEntry(n, &s, trunc)
				mu.Lock()
				entries[i] = e
				mu.Unlock()
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	opened.Wait()
	if err := errors.Join(openErrs...); err != nil {
		return err
	}
	tty := isTerminal(a.Stdout)
	draw := func() error {
		var buf bytes.Buffer
		if tty {
			buf.WriteString(clearScreen)
		}
		mu.Lock()
		err := renderStats(&buf, f, entries)
		mu.Unlock()
		if err != nil {
			return err
		}
		_, err = buf.WriteTo(a.Stdout)
		return err
	}
	t := time.NewTicker(statsPeriod)
	defer t.Stop()
	for {
		select {
		case <-a.ctx.Done():
			return nil
		case <-done:
			return draw()
		case <-t.C:
			if err := draw(); err != nil {
				return err
			}
		}
	}
}

func renderStats(out io.Writer, f string, entries []*statsEntry) error {
	w, err := format.New(out, format.Format(f), defaultStatsTable, true, statsHeaders)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := w.Write(e); err != nil {
			return err
		}
	}
	return w.Flush()
}
