// Package integration drives a real skiff daemon, run as an unprivileged
// user, through the docker CLI, the skiff CLI, docker-py and raw HTTP.
// SKIFF_TEST_TARGET=docker runs the same scenarios against the dockerd at
// DOCKER_HOST; skiff-only assertions skip there.
package integration

import (
	"testing"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }
