package cli

// networkCmd groups `skiff network ...`, docker's management command for
// networks.
type networkCmd struct {
	Connect    networkConnectCmd    `cmd:"" help:"Connect a container to a network."`
	Create     networkCreateCmd     `cmd:"" help:"Create a network."`
	Disconnect networkDisconnectCmd `cmd:"" help:"Disconnect a container from a network."`
	Inspect    networkInspectCmd    `cmd:"" help:"Display detailed information on one or more networks."`
	Ls         networkListCmd       `cmd:"" aliases:"list" help:"List networks."`
	Prune      networkPruneCmd      `cmd:"" help:"Remove all unused networks."`
	Rm         networkRemoveCmd     `cmd:"" aliases:"remove" help:"Remove one or more networks."`
}
