//go:build !skiff_roleexe

package roleexe

// binary is empty: the roles run from skiff itself.
var binary string
