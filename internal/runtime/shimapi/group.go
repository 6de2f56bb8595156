package shimapi

// A shim process serves a group of containers. The engine starts it with
// one end of a stream socketpair on FdGroup, the group connection, and
// hands it containers over that connection: one Config line each. The
// shim answers each with a Ready line carrying the same ID, in the order
// set-ups finish (they run concurrently), and later with a second line for
// that ID with Done set, when the container's instance has ended (it was
// deleted, or it left with no engine connected): its place in the group is
// free again. A failed set-up gets no Done: its Ready error frees it.
//
// The shim keeps serving the connection while it is open, so the engine
// never hands a container to a shim that is leaving; it leaves once the
// engine closed it (no live containers left, or the engine died) and every
// instance has ended.

// Ready is the shim's answer to one Config: init is set up and waits
// before execve (Pid), or it failed (Error, ExitCode); or, with Done, the
// container's instance ended.
type Ready struct {
	ID       string `json:"id"`
	Pid      int    `json:"pid,omitempty"`
	Error    string `json:"error,omitempty"`
	ExitCode int    `json:"exitCode,omitempty"`
	Done     bool   `json:"done,omitempty"`
}
