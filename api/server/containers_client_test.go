package server

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// TestContainersMobyClient drives the container routes with the client the
// docker CLI is built on, proving it understands every response shape:
// create, attach (hijack + multiplexed stream + half-close), wait, logs,
// stat path and a 404.
func TestContainersMobyClient(t *testing.T) {
	s, f := newContainerServer(t)
	exited := make(chan container.WaitResponse, 1)
	f.waitFn = func(context.Context, container.WaitCondition) (<-chan container.WaitResponse, error) {
		return exited, nil
	}
	f.attachFn = func(ctx context.Context, cfg *AttachConfig) error {
		stdin, stdout, stderr, err := cfg.GetStreams(false)
		if err != nil {
			return err
		}
		in, _ := io.ReadAll(stdin)
		io.WriteString(stdout, strings.ToUpper(string(in)))
		io.WriteString(stderr, "bye\n")
		exited <- container.WaitResponse{StatusCode: 7}
		return nil
	}
	f.logsFn = logMessages(LogMessage{Stream: "stdout", Line: []byte("line\n"), Time: time.Unix(1700000000, 0)})
	f.pathStat = container.PathStat{Name: "etc", Mode: 0o755 | 1<<31}

	sock := serveUnix(t, s)
	cli, err := client.New(client.WithHost("unix://"+sock), client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	ctx := context.Background()

	created, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "web", Config: &container.Config{Image: "busybox", OpenStdin: true}})
	if err != nil {
		t.Fatal(err)
	}
	if created.ID != "c1" || created.Warnings == nil || len(created.Warnings) != 0 {
		t.Fatalf("create = %+v", created)
	}

	// docker run -i: wait is set up before attach, attach before start.
	wait := cli.ContainerWait(ctx, "c1", client.ContainerWaitOptions{Condition: container.WaitConditionNextExit})
	att, err := cli.ContainerAttach(ctx, "c1", client.ContainerAttachOptions{Stream: true, Stdin: true, Stdout: true, Stderr: true})
	if err != nil {
		t.Fatal(err)
	}
	defer att.Close()
	if mt, ok := att.MediaType(); !ok || mt != "application/vnd.docker.multiplexed-stream" {
		t.Fatalf("media type %q %t", mt, ok)
	}
	io.WriteString(att.Conn, "hello")
	if err := att.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if _, err := stdcopy.StdCopy(&out, &errOut, att.Reader); err != nil {
		t.Fatal(err)
	}
	if out.String() != "HELLO" || errOut.String() != "bye\n" {
		t.Fatalf("attach stdout %q stderr %q", out.String(), errOut.String())
	}
	select {
	case res := <-wait.Result:
		if res.StatusCode != 7 || res.Error != nil {
			t.Fatalf("wait = %+v", res)
		}
	case err := <-wait.Error:
		t.Fatal(err)
	case <-time.After(5 * time.Second):
		t.Fatal("wait did not return")
	}

	logs, err := cli.ContainerLogs(ctx, "c1", client.ContainerLogsOptions{ShowStdout: true, Timestamps: true, Since: "2023-11-14T00:00:00Z", Tail: "all"})
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if _, err := stdcopy.StdCopy(&out, io.Discard, logs); err != nil {
		t.Fatal(err)
	}
	logs.Close()
	if out.String() != "2023-11-14T22:13:20.000000000Z line\n" {
		t.Fatalf("logs %q", out.String())
	}
	if want := time.Date(2023, 11, 14, 0, 0, 0, 0, time.UTC); !f.logsOpts.Since.Equal(want) || f.logsOpts.Tail != -1 {
		t.Fatalf("logs opts %+v", f.logsOpts)
	}

	st, err := cli.ContainerStatPath(ctx, "c1", client.ContainerStatPathOptions{Path: "/etc"})
	if err != nil {
		t.Fatal(err)
	}
	if st.Stat.Name != "etc" || !st.Stat.Mode.IsDir() {
		t.Fatalf("stat %+v", st.Stat)
	}

	_, err = cli.ContainerInspect(ctx, "nope", client.ContainerInspectOptions{})
	if !errdefs.IsNotFound(err) || !strings.Contains(err.Error(), "No such container: nope") {
		t.Fatalf("inspect missing: %v", err)
	}
	if _, err := cli.ContainerStart(ctx, "nope", client.ContainerStartOptions{}); !errdefs.IsNotFound(err) {
		t.Fatalf("start missing: %v", err)
	}
}
