//go:build skiff_gvtapexe

package gvtap

import _ "embed"

//go:embed skiff-gvtap
var helperBinary []byte

// Embedded is the helper binary that scripts/build.sh embedded.
func Embedded() []byte { return helperBinary }
