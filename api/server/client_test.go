package server

import (
	"context"
	"testing"

	"github.com/moby/moby/client"
	"github.com/skiff-engine/skiff/api/version"
)

// TestMobyClient proves wire compatibility with the client the docker CLI
// is built on: negotiation via /_ping, then /version, over a unix socket.
func TestMobyClient(t *testing.T) {
	s := newTestServer(t, Options{})
	sock := serveUnix(t, s)
	cli, err := client.New(client.WithHost("unix://"+sock), client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	ctx := context.Background()

	ping, err := cli.Ping(ctx, client.PingOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ping.APIVersion != version.APIVersion || ping.OSType != "linux" || ping.Experimental || ping.BuilderVersion != "1" {
		t.Fatalf("ping = %+v", ping)
	}

	v, err := cli.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if v.Version != "0.1.0-test" || v.APIVersion != version.APIVersion {
		t.Fatalf("version = %+v", v)
	}

	// A stub route surfaces as a typed not-implemented error in the client.
	_, err = cli.ContainerList(ctx, client.ContainerListOptions{})
	if err == nil {
		t.Fatal("ContainerList on a stub succeeded")
	}
	t.Logf("stub error as the CLI prints it: %v", err)
}
