// Package rootless bootstraps the rootless daemon: from the user's own
// process it starts skiff again inside a new user, mount and network
// namespace, through RootlessKit used as a library (full subordinate-id
// mapping) or through skiff's own single-id fallback.
package rootless

import "os"

// Environment keys that carry the bootstrap state across re-execs.
// They are internal: a user never sets them.
const (
	envPipeFD          = "_SKIFF_ROOTLESSKIT_PIPEFD"
	envUseActivation   = "_SKIFF_ROOTLESSKIT_CHILD_USE_ACTIVATION"
	envStateDir        = "_SKIFF_ROOTLESSKIT_STATE_DIR"
	envParentEUID      = "_SKIFF_ROOTLESSKIT_PARENT_EUID"
	envParentEGID      = "_SKIFF_ROOTLESSKIT_PARENT_EGID"
	envNetworkDriver   = "_SKIFF_ROOTLESS_NETWORK"
	envMapping         = "_SKIFF_ROOTLESS_MAPPING"
	envSingleIDStarted = "_SKIFF_SINGLE_ID_CHILD"
	// EnvInUserNS marks a process that already runs inside skiff's user
	// namespace; rootless/paths reads it to keep using the user's XDG paths
	// although euid is 0 there.
	EnvInUserNS = "_SKIFF_IN_USERNS"
)

// Mapping says how the user namespace maps ids.
type Mapping string

const (
	// MappingSubordinate maps 0 to the user and 1..N to /etc/subuid ranges.
	MappingSubordinate Mapping = "subordinate"
	// MappingSingleID maps only 0 to the user: images with other owners
	// cannot keep them.
	MappingSingleID Mapping = "single-id"
)

// IsRootlessKitChild reports whether this process is RootlessKit's child
// half, which must run before anything else parses the command line.
func IsRootlessKitChild() bool { return os.Getenv(envPipeFD) != "" }

// InUserNS reports whether this process runs inside skiff's user namespace.
func InUserNS() bool { return os.Getenv(EnvInUserNS) != "" }

// CurrentMapping is the mapping the bootstrap chose, as seen from inside.
func CurrentMapping() Mapping { return Mapping(os.Getenv(envMapping)) }
