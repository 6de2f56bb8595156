package cli

import (
	"os"
	"path/filepath"

	"github.com/alecthomas/kong"
)

// globals are docker's global options.
type globals struct {
	Host     []string         `short:"H" sep:"none" placeholder:"HOST" help:"Daemon socket to connect to: unix://PATH, tcp://HOST:PORT or ssh://[USER@]HOST[:PORT]."`
	Context  string           `short:"c" help:"Name of the context to use (only \"default\" for now)."`
	LogLevel string           `short:"l" default:"info" enum:"debug,info,warn,error,fatal" help:"Set the logging level (${enum})."`
	Config   string           `default:"${config_dir}" placeholder:"DIR" help:"Location of client config files."`
	Debug    bool             `short:"D" help:"Enable debug mode."`
	Version  kong.VersionFlag `short:"v" help:"Print version information and quit."`
}

// rootCmd is the command tree.
type rootCmd struct {
	globals

	Run     runCmd     `cmd:"" help:"Create and run a new container from an image."`
	Create  createCmd  `cmd:"" help:"Create a new container."`
	Start   startCmd   `cmd:"" help:"Start one or more stopped containers."`
	Stop    stopCmd    `cmd:"" help:"Stop one or more running containers."`
	Restart restartCmd `cmd:"" help:"Restart one or more containers."`
	Kill    killCmd    `cmd:"" help:"Kill one or more running containers."`
	Wait    waitCmd    `cmd:"" help:"Block until one or more containers stop, then print their exit codes."`
	Rm      rmCmd      `cmd:"" help:"Remove one or more containers."`
	Ps      psCmd      `cmd:"" help:"List containers."`
	Logs    logsCmd    `cmd:"" help:"Fetch the logs of a container."`
	Top     topCmd     `cmd:"" help:"Display the running processes of a container."`
	Port    portCmd    `cmd:"" help:"List port mappings or a specific mapping for the container."`
	Attach  attachCmd  `cmd:"" help:"Attach local standard input, output, and error streams to a running container."`
	Exec    execCmd    `cmd:"" help:"Execute a command in a running container."`
	Cp      cpCmd      `cmd:"" help:"Copy files/folders between a container and the local filesystem."`
	Export  exportCmd  `cmd:"" help:"Export a container's filesystem as a tar archive."`
	Commit  commitCmd  `cmd:"" help:"Create a new image from a container's changes."`
	Stats   statsCmd   `cmd:"" help:"Display a live stream of container(s) resource usage statistics."`
	Rename  renameCmd  `cmd:"" help:"Rename a container."`
	Pause   pauseCmd   `cmd:"" help:"Pause all processes within one or more containers."`
	Unpause unpauseCmd `cmd:"" help:"Unpause all processes within one or more containers."`
	Diff    diffCmd    `cmd:"" help:"Inspect changes to files or directories on a container's filesystem."`
	Update  updateCmd  `cmd:"" help:"Update configuration of one or more containers."`

	Container containerCmd `cmd:"" help:"Manage containers."`
	Network   networkCmd   `cmd:"" help:"Manage networks."`
	Volume    volumeCmd    `cmd:"" help:"Manage volumes."`

	Pull    pullCmd    `cmd:"" help:"Download an image from a registry."`
	Push    pushCmd    `cmd:"" help:"Upload an image to a registry."`
	Images  imagesCmd  `cmd:"" help:"List images."`
	Login   loginCmd   `cmd:"" help:"Authenticate to a registry."`
	Logout  logoutCmd  `cmd:"" help:"Log out from a registry."`
	Image   imageCmd   `cmd:"" help:"Manage images."`
	Inspect inspectCmd `cmd:"" help:"Return low-level information on skiff objects."`
	History historyCmd `cmd:"" help:"Show the history of an image."`
	Rmi     rmiCmd     `cmd:"" help:"Remove one or more images."`
	Tag     tagCmd     `cmd:"" help:"Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE."`
	Save    saveCmd    `cmd:"" help:"Save one or more images to a tar archive (streamed to STDOUT by default)."`
	Load    loadCmd    `cmd:"" help:"Load an image from a tar archive or STDIN."`
	Import  importCmd  `cmd:"" help:"Import the contents from a tarball to create a filesystem image."`

	Info       infoCmd       `cmd:"" help:"Display system-wide information."`
	VersionCmd versionCmd    `cmd:"" name:"version" help:"Show the skiff version information."`
	System     systemCmd     `cmd:"" help:"Manage skiff."`
	Completion completionCmd `cmd:"" help:"Generate a shell completion script (bash, zsh, fish)."`
	Daemon     daemonCmd     `cmd:"" passthrough:"" help:"Run the skiff daemon."`
	Check      checkCmd      `cmd:"" passthrough:"" help:"Check whether this host can run skiff."`
	Unshare    unshareCmd    `cmd:"" help:"Run a command in the rootless daemon's user and mount namespaces."`
}

// systemCmd groups `skiff system ...`.
type systemCmd struct {
	Info      infoCmd      `cmd:"" help:"Display system-wide information."`
	DialStdio dialStdioCmd `cmd:"" name:"dial-stdio" help:"Proxy the stdio stream to the daemon connection. Should not be invoked manually."`
}

// defaultConfigDir is $DOCKER_CONFIG or ~/.docker, as the docker CLI uses.
func defaultConfigDir(getenv func(string) string) string {
	if d := getenv("DOCKER_CONFIG"); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ".docker"
	}
	return filepath.Join(home, ".docker")
}
