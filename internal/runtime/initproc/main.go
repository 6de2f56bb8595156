// Package initproc is the container init role (placeholder: being written).
package initproc

import (
	"fmt"
	"os"
)

// Role is the value of _SKIFF_ROLE that selects this role.
const Role = "init"

// Main runs the init role and returns its exit code.
func Main() int {
	fmt.Fprintln(os.Stderr, "skiff init: not implemented yet")
	return 1
}
