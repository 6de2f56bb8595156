package cli

// volumeCmd groups `skiff volume ...`, docker's management command for
// volumes.
type volumeCmd struct {
	Create  volumeCreateCmd  `cmd:"" help:"Create a volume."`
	Inspect volumeInspectCmd `cmd:"" help:"Display detailed information on one or more volumes."`
	Ls      volumeListCmd    `cmd:"" aliases:"list" help:"List volumes."`
	Prune   volumePruneCmd   `cmd:"" help:"Remove unused local volumes."`
	Rm      volumeRemoveCmd  `cmd:"" aliases:"remove" help:"Remove one or more volumes. You cannot remove a volume that is in use by a container."`
}
