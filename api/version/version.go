// Package version holds the Docker Engine API versions skiff speaks.
package version

const (
	// APIVersion is the newest Docker Engine API version skiff implements
	// (Docker 29.0's); clients negotiate down from it.
	APIVersion = "1.52"
	// MinAPIVersion is the oldest API version skiff accepts, as dockerd's.
	MinAPIVersion = "1.24"
)
