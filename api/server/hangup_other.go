//go:build !linux

package server

import "net"

// watchHangup needs poll(2) semantics only Linux is tested with; elsewhere
// a gone client is noticed when output to it fails.
func watchHangup(net.Conn, func()) (stop func()) { return func() {} }
