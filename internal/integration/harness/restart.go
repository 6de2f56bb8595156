package harness

// Restart stops the daemon with SIGTERM (as Stop) and starts a new one
// with the same directories, returning once it answers. The returned
// Daemon owns the directories from then on; use it, not d.
func (d *Daemon) Restart(opts ...Option) *Daemon {
	d.t.Helper()
	d.needSkiff("Restart")
	d.Stop()
	o := collect(opts)
	o.rootful = d.IsRootful
	nd := launch(d.t, o, d.Env)
	// The new daemon is the Env's owner, not a second one beside d.
	nd.shared = false
	nd.waitReady(o.startTimeout)
	return nd
}
