// Package shimapi is the wire contract between the engine and a container
// shim: how a shim is started and handed containers (the inherited fds, the
// group connection's Config and Ready lines), the control requests on each
// container's unix socket, the attach frames and the recorded exit. Both
// sides import it; it holds no behaviour beyond encoding.
//
// A control connection carries one request line (JSON) from the engine and
// one response line back. Two requests go on after that:
//   - "wait" answers {"pid":N} at once and a second line with the exit
//     when the process has ended; while it is open the engine counts as
//     connected.
//   - "attach" is followed by output frames from the shim (see Frame) and,
//     when stdin was asked for, raw stdin bytes from the engine; the engine
//     half-closes its side to end stdin.
package shimapi
