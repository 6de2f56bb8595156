//go:build !skiff_gvtapexe

package gvtap

// Embedded is nil in a build without the helper (a plain go build): the
// daemon then runs the driver in process (see rootless/drivers_gvtap*.go).
func Embedded() []byte { return nil }
