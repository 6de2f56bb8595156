package containers

import (
	"crypto/rand"
	"encoding/hex"
)

// newID is a random 64-hex container ID that is not all digits, so that
// a short form cannot be read as a number (Docker's rule).
func newID() string {
	var b [32]byte
	for {
		rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		for _, r := range id[:12] {
			if r > '9' {
				return id
			}
		}
	}
}
