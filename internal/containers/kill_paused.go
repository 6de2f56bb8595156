package containers

import "syscall"

// exitsOnSignal is dockerd's ExitOnNext rule: a signal ends the container
// for good (no restart, a paused container is thawed to get it) when it is
// SIGKILL, the configured stop signal, or any signal when none is set.
func exitsOnSignal(cfgStopSignal string, sig syscall.Signal) bool {
	return cfgStopSignal == "" || sig == syscall.SIGKILL || stopSignal(cfgStopSignal) == sig
}

// unpauseForKill says whether kill thaws a paused container: dockerd sends
// the signal and resumes the task when the signal is meant to end it;
// any other signal stays pending in the frozen cgroup, and neither case
// is an error (dockerd dropped "Unpause the container before stopping or
// killing" in 17.04).
func unpauseForKill(paused bool, cfgStopSignal string, sig syscall.Signal) bool {
	return paused && exitsOnSignal(cfgStopSignal, sig)
}
