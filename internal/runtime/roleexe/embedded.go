//go:build skiff_roleexe

package roleexe

import _ "embed"

//go:embed skiff-roles
var binary string
