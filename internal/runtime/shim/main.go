// Package shim is the per-container shim role (placeholder: being written).
package shim

import (
	"fmt"
	"os"
)

// Role is the value of _SKIFF_ROLE that selects this role.
const Role = "shim"

// Main runs the shim role and returns its exit code.
func Main() int {
	fmt.Fprintln(os.Stderr, "skiff shim: not implemented yet")
	return 1
}
