package server

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/skiff-engine/skiff/internal/filters"
)

// fakeContainers is a ContainersBackend that records each call's
// arguments (as one string in calls) and answers from its hook fields.
// The only known container is "c1"; others are NotFound, as the engine
// words it.
type fakeContainers struct {
	mu    sync.Mutex
	calls []string

	createReq *container.CreateRequest
	startErr  error
	killErr   error
	waitFn    func(ctx context.Context, cond container.WaitCondition) (<-chan container.WaitResponse, error)
	logsFn    func(ctx context.Context, opts LogsOptions) (<-chan LogMessage, bool, error)
	attachFn  func(ctx context.Context, cfg *AttachConfig) error
	statsFn   func(ctx context.Context, opts StatsOptions, emit func(*container.StatsResponse) error) error
	listOpts  ListOptions
	logsOpts  LogsOptions
	update    *container.UpdateConfig
	commit    CommitOptions
	extract   ExtractOptions
	extracted string
	pathStat  container.PathStat
	inspect   *container.InspectResponse
}

func (f *fakeContainers) record(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

func (f *fakeContainers) last() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) == 0 {
		return ""
	}
	return f.calls[len(f.calls)-1]
}

func known(id string) error {
	if id != "c1" {
		return fmt.Errorf("No such container: %s: %w", id, errdefs.ErrNotFound)
	}
	return nil
}

func timeoutString(t *int) string {
	if t == nil {
		return "nil"
	}
	return fmt.Sprint(*t)
}

func (f *fakeContainers) Create(_ context.Context, name, platform string, req *container.CreateRequest) (container.CreateResponse, error) {
	f.record("create name=%s platform=%s image=%s", name, platform, req.Image)
	f.createReq = req
	return container.CreateResponse{ID: "c1"}, nil
}

func (f *fakeContainers) Start(_ context.Context, id string) error {
	f.record("start %s", id)
	if err := known(id); err != nil {
		return err
	}
	return f.startErr
}

func (f *fakeContainers) Stop(_ context.Context, id, signal string, t *int) error {
	f.record("stop %s signal=%s t=%s", id, signal, timeoutString(t))
	return known(id)
}

func (f *fakeContainers) Restart(_ context.Context, id, signal string, t *int) error {
	f.record("restart %s signal=%s t=%s", id, signal, timeoutString(t))
	return known(id)
}

func (f *fakeContainers) Kill(_ context.Context, id, signal string) error {
	f.record("kill %s signal=%s", id, signal)
	if err := known(id); err != nil {
		return err
	}
	return f.killErr
}

func (f *fakeContainers) Wait(ctx context.Context, id string, cond container.WaitCondition) (<-chan container.WaitResponse, error) {
	f.record("wait %s condition=%s", id, cond)
	if err := known(id); err != nil {
		return nil, err
	}
	if f.waitFn != nil {
		return f.waitFn(ctx, cond)
	}
	ch := make(chan container.WaitResponse, 1)
	ch <- container.WaitResponse{StatusCode: 3}
	return ch, nil
}

func (f *fakeContainers) Remove(_ context.Context, id string, o RemoveOptions) error {
	f.record("remove %s force=%t v=%t link=%t", id, o.Force, o.RemoveVolumes, o.RemoveLink)
	return known(id)
}

func (f *fakeContainers) Pause(_ context.Context, id string) error {
	f.record("pause %s", id)
	return known(id)
}

func (f *fakeContainers) Unpause(_ context.Context, id string) error {
	f.record("unpause %s", id)
	return known(id)
}

func (f *fakeContainers) Rename(_ context.Context, id, name string) error {
	f.record("rename %s name=%s", id, name)
	return known(id)
}

func (f *fakeContainers) Top(_ context.Context, id, psArgs string) (container.TopResponse, error) {
	f.record("top %s ps_args=%s", id, psArgs)
	return container.TopResponse{Titles: []string{"PID"}, Processes: [][]string{{"1"}}}, known(id)
}

func (f *fakeContainers) Logs(ctx context.Context, id string, opts LogsOptions) (<-chan LogMessage, bool, error) {
	f.record("logs %s", id)
	f.logsOpts = opts
	if err := known(id); err != nil {
		return nil, false, err
	}
	return f.logsFn(ctx, opts)
}

func (f *fakeContainers) List(_ context.Context, opts ListOptions) ([]container.Summary, error) {
	f.record("list")
	f.listOpts = opts
	return nil, nil
}

func (f *fakeContainers) Inspect(_ context.Context, id string, size bool) (*container.InspectResponse, error) {
	f.record("inspect %s size=%t", id, size)
	if err := known(id); err != nil {
		return nil, err
	}
	return f.inspect, nil
}

func (f *fakeContainers) Prune(_ context.Context, pf filters.Args) (container.PruneReport, error) {
	f.record("prune until=%v", pf.Get("until"))
	return container.PruneReport{ContainersDeleted: []string{"c9"}, SpaceReclaimed: 42}, nil
}

func (f *fakeContainers) Export(_ context.Context, id string) (io.ReadCloser, error) {
	f.record("export %s", id)
	return io.NopCloser(strings.NewReader("TAR")), known(id)
}

func (f *fakeContainers) StatPath(_ context.Context, id, path string) (*container.PathStat, error) {
	f.record("stat %s path=%s", id, path)
	st := f.pathStat
	return &st, known(id)
}

func (f *fakeContainers) ArchivePath(_ context.Context, id, path string) (io.ReadCloser, *container.PathStat, error) {
	f.record("archive %s path=%s", id, path)
	st := f.pathStat
	return io.NopCloser(strings.NewReader("TARDATA")), &st, known(id)
}

func (f *fakeContainers) ExtractToDir(_ context.Context, id, path string, opts ExtractOptions, content io.Reader) error {
	f.record("extract %s path=%s", id, path)
	f.extract = opts
	b, _ := io.ReadAll(content)
	f.extracted = string(b)
	return known(id)
}

func (f *fakeContainers) Changes(_ context.Context, id string) ([]container.FilesystemChange, error) {
	f.record("changes %s", id)
	return nil, known(id)
}

func (f *fakeContainers) Stats(ctx context.Context, id string, opts StatsOptions, emit func(*container.StatsResponse) error) error {
	f.record("stats %s stream=%t oneshot=%t", id, opts.Stream, opts.OneShot)
	if err := known(id); err != nil {
		return err
	}
	return f.statsFn(ctx, opts, emit)
}

func (f *fakeContainers) Commit(_ context.Context, opts CommitOptions) (string, error) {
	f.record("commit %s", opts.Container)
	f.commit = opts
	return "sha256:abc", known(opts.Container)
}

func (f *fakeContainers) Update(_ context.Context, id string, cfg *container.UpdateConfig) (container.UpdateResponse, error) {
	f.record("update %s", id)
	f.update = cfg
	return container.UpdateResponse{}, known(id)
}

func (f *fakeContainers) Attach(ctx context.Context, id string, cfg *AttachConfig) error {
	f.record("attach %s stream=%t logs=%t stdin=%t stdout=%t stderr=%t keys=%s", id, cfg.Stream, cfg.Logs, cfg.Stdin, cfg.Stdout, cfg.Stderr, cfg.DetachKeys)
	if err := known(id); err != nil {
		return err
	}
	return f.attachFn(ctx, cfg)
}
