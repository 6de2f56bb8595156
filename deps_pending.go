//go:build pendingdeps

// This file pins modules that packages being written now will import, so
// that parallel work does not race on go.mod. Remove it once they do.
package main

import (
	_ "github.com/creack/pty"
	_ "github.com/moby/profiles/seccomp"
	_ "github.com/moby/sys/capability"
	_ "github.com/moby/sys/user"
	_ "github.com/opencontainers/runtime-spec/specs-go"
	_ "golang.org/x/net/bpf"
)
