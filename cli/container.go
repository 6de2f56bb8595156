package cli

// containerCmd groups `skiff container ...`, docker's management command
// for containers.
type containerCmd struct {
	Run     runCmd              `cmd:"" help:"Create and run a new container from an image."`
	Create  createCmd           `cmd:"" help:"Create a new container."`
	Start   startCmd            `cmd:"" help:"Start one or more stopped containers."`
	Stop    stopCmd             `cmd:"" help:"Stop one or more running containers."`
	Restart restartCmd          `cmd:"" help:"Restart one or more containers."`
	Kill    killCmd             `cmd:"" help:"Kill one or more running containers."`
	Wait    waitCmd             `cmd:"" help:"Block until one or more containers stop, then print their exit codes."`
	Rm      rmCmd               `cmd:"" aliases:"remove" help:"Remove one or more containers."`
	Ls      psCmd               `cmd:"" aliases:"list,ps" help:"List containers."`
	Inspect containerInspectCmd `cmd:"" help:"Display detailed information on one or more containers."`
	Logs    logsCmd             `cmd:"" help:"Fetch the logs of a container."`
	Top     topCmd              `cmd:"" help:"Display the running processes of a container."`
	Port    portCmd             `cmd:"" help:"List port mappings or a specific mapping for the container."`
	Attach  attachCmd           `cmd:"" help:"Attach local standard input, output, and error streams to a running container."`
	Exec    execCmd             `cmd:"" help:"Execute a command in a running container."`
	Cp      cpCmd               `cmd:"" help:"Copy files/folders between a container and the local filesystem."`
	Export  exportCmd           `cmd:"" help:"Export a container's filesystem as a tar archive."`
	Commit  commitCmd           `cmd:"" help:"Create a new image from a container's changes."`
	Stats   statsCmd            `cmd:"" help:"Display a live stream of container(s) resource usage statistics."`
	Rename  renameCmd           `cmd:"" help:"Rename a container."`
	Pause   pauseCmd            `cmd:"" help:"Pause all processes within one or more containers."`
	Unpause unpauseCmd          `cmd:"" help:"Unpause all processes within one or more containers."`
	Diff    diffCmd             `cmd:"" help:"Inspect changes to files or directories on a container's filesystem."`
	Update  updateCmd           `cmd:"" help:"Update configuration of one or more containers."`
	Prune   containerPruneCmd   `cmd:"" help:"Remove all stopped containers."`
}
