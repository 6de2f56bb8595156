// Package containerfs does `docker cp` and `docker export` on a container's
// mounted root filesystem: it stats, tars and untars paths given as the
// container sees them, resolving symlinks inside the root only, so that
// nothing a container put in its filesystem can lead a copy to the host's.
//
// Tar and untar run in a chrooted re-exec of the binary
// (go.podman.io/storage/pkg/chrootarchive), so main (and a test's TestMain)
// must call reexec.Init first.
package containerfs
