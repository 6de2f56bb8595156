package shimapi

import "time"

// ExitFile is the name, in the bundle, of the exit the shim records.
const ExitFile = "exit.json"

// ExitStatus is how the container's process ended, as the shim records
// it in ExitFile and sends to waiters.
type ExitStatus struct {
	Code      int       `json:"code"`
	ExitedAt  time.Time `json:"exitedAt"`
	OOMKilled bool      `json:"oomKilled,omitempty"`
	Err       string    `json:"error,omitempty"`
}
