package runtime

// This package's tests play the shim and init themselves (see TestMain):
// never the roles' binary a skiff_roleexe build carries.
func init() { rolesEmbedded = false }
