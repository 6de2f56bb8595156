package cli

import (
	"time"
)

// containerOptions are the flags `run` and `create` share, docker's
// container options. Values that need checking (sizes, CPU counts, ports)
// stay strings here and are parsed by toConfig, so that a bad one gets
// docker's "invalid argument" message instead of kong's.
//
// -c, -h, -l and -v belong to global flags or kong's help in skiff's
// tree; shortflags.go rewrites them to the long flags after `run` and
// `create`.
type containerOptions struct {
	Attach      []string `short:"a" sep:"none" placeholder:"STREAM" help:"Attach to STDIN, STDOUT or STDERR."`
	Env         []string `short:"e" sep:"none" placeholder:"KEY=VALUE" help:"Set environment variables."`
	EnvFile     []string `sep:"none" placeholder:"FILE" help:"Read in a file of environment variables."`
	Entrypoint  *string  `placeholder:"CMD" help:"Overwrite the default ENTRYPOINT of the image."`
	GroupAdd    []string `sep:"none" placeholder:"GROUP" help:"Add additional groups to join."`
	Hostname    string   `placeholder:"NAME" help:"Container host name (-h)."`
	Domainname  string   `placeholder:"NAME" help:"Container NIS domain name."`
	Interactive bool     `short:"i" help:"Keep STDIN open even if not attached."`
	Label       []string `sep:"none" placeholder:"KEY=VALUE" help:"Set meta data on a container (-l)."`
	LabelFile   []string `sep:"none" placeholder:"FILE" help:"Read in a line delimited file of labels."`
	ReadOnly    bool     `name:"read-only" help:"Mount the container's root filesystem as read only."`
	Restart     string   `default:"no" placeholder:"POLICY" help:"Restart policy to apply when a container exits."`
	StopSignal  string   `placeholder:"SIGNAL" help:"Signal to stop the container."`
	StopTimeout *int     `placeholder:"SECONDS" help:"Timeout (in seconds) to stop a container."`
	Sysctl      []string `sep:"none" placeholder:"KEY=VALUE" help:"Sysctl options."`
	TTY         bool     `name:"tty" short:"t" help:"Allocate a pseudo-TTY."`
	Ulimit      []string `sep:"none" placeholder:"NAME=SOFT[:HARD]" help:"Ulimit options."`
	User        string   `short:"u" placeholder:"USER[:GROUP]" help:"Username or UID (format: <name|uid>[:<group|gid>])."`
	Workdir     string   `short:"w" placeholder:"DIR" help:"Working directory inside the container."`
	Rm          bool     `help:"Automatically remove the container and its associated anonymous volumes when it exits."`

	CapAdd      []string `sep:"none" placeholder:"CAP" help:"Add Linux capabilities."`
	CapDrop     []string `sep:"none" placeholder:"CAP" help:"Drop Linux capabilities."`
	Privileged  bool     `help:"Give extended privileges to this container."`
	SecurityOpt []string `sep:"none" placeholder:"OPT" help:"Security Options."`
	Userns      string   `placeholder:"MODE" help:"User namespace to use."`
	Cgroupns    string   `placeholder:"MODE" help:"Cgroup namespace to use (host|private)."`

	AddHost      []string `sep:"none" placeholder:"HOST:IP" help:"Add a custom host-to-IP mapping (host:ip)."`
	DNS          []string `name:"dns" sep:"none" placeholder:"IP" help:"Set custom DNS servers."`
	DNSOption    []string `name:"dns-option" sep:"none" placeholder:"OPT" help:"Set DNS options."`
	DNSOpt       []string `name:"dns-opt" sep:"none" hidden:"" help:"Set DNS options."`
	DNSSearch    []string `name:"dns-search" sep:"none" placeholder:"DOMAIN" help:"Set custom DNS search domains."`
	Expose       []string `sep:"none" placeholder:"PORT" help:"Expose a port or a range of ports."`
	IP           string   `name:"ip" placeholder:"IPV4" help:"IPv4 address (e.g., 172.30.100.104)."`
	IP6          string   `name:"ip6" placeholder:"IPV6" help:"IPv6 address (e.g., 2001:db8::33)."`
	Link         []string `sep:"none" placeholder:"NAME:ALIAS" help:"Add link to another container."`
	MacAddress   string   `placeholder:"MAC" help:"Container MAC address (e.g., 92:d0:c6:0a:29:33)."`
	Publish      []string `short:"p" sep:"none" placeholder:"[IP:][HOST:]PORT" help:"Publish a container's port(s) to the host."`
	PublishAll   bool     `short:"P" help:"Publish all exposed ports to random ports."`
	Network      []string `sep:"none" placeholder:"NETWORK" help:"Connect a container to a network."`
	Net          []string `sep:"none" hidden:"" help:"Connect a container to a network."`
	NetworkAlias []string `sep:"none" placeholder:"ALIAS" help:"Add network-scoped alias for the container."`
	NetAlias     []string `sep:"none" hidden:"" help:"Add network-scoped alias for the container."`
	LinkLocalIP  []string `name:"link-local-ip" sep:"none" placeholder:"IP" help:"Container IPv4/IPv6 link-local addresses."`

	LogDriver    string   `placeholder:"DRIVER" help:"Logging driver for the container."`
	LogOpt       []string `sep:"none" placeholder:"KEY=VALUE" help:"Log driver options."`
	VolumeDriver string   `placeholder:"DRIVER" help:"Optional volume driver for the container."`
	StorageOpt   []string `sep:"none" placeholder:"KEY=VALUE" help:"Storage driver options for the container."`
	Tmpfs        []string `sep:"none" placeholder:"PATH[:OPTS]" help:"Mount a tmpfs directory."`
	VolumesFrom  []string `sep:"none" placeholder:"CONTAINER" help:"Mount volumes from the specified container(s)."`
	Volume       []string `sep:"none" placeholder:"[SRC:]DST[:OPTS]" help:"Bind mount a volume (-v)."`
	Mount        []string `sep:"none" placeholder:"SPEC" help:"Attach a filesystem mount to the container."`
	Device       []string `sep:"none" placeholder:"HOST[:CTR[:PERMS]]" help:"Add a host device to the container."`
	Annotation   []string `sep:"none" placeholder:"KEY=VALUE" help:"Add an annotation to the container (passed through to the OCI runtime)."`

	HealthCmd           string        `placeholder:"CMD" help:"Command to run to check health."`
	HealthInterval      time.Duration `placeholder:"DURATION" help:"Time between running the check (ms|s|m|h) (default 0s)."`
	HealthRetries       int           `placeholder:"N" help:"Consecutive failures needed to report unhealthy."`
	HealthTimeout       time.Duration `placeholder:"DURATION" help:"Maximum time to allow one check to run (ms|s|m|h) (default 0s)."`
	HealthStartPeriod   time.Duration `placeholder:"DURATION" help:"Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)."`
	HealthStartInterval time.Duration `placeholder:"DURATION" help:"Time between running the check during the start period (ms|s|m|h) (default 0s)."`
	NoHealthcheck       bool          `help:"Disable any container-specified HEALTHCHECK."`

	Cidfile           string `placeholder:"FILE" help:"Write the container ID to the file."`
	CpusetCpus        string `placeholder:"CPUS" help:"CPUs in which to allow execution (0-3, 0,1)."`
	CpusetMems        string `placeholder:"MEMS" help:"MEMs in which to allow execution (0-3, 0,1)."`
	CPUPeriod         int64  `name:"cpu-period" placeholder:"N" help:"Limit CPU CFS (Completely Fair Scheduler) period."`
	CPUQuota          int64  `name:"cpu-quota" placeholder:"N" help:"Limit CPU CFS (Completely Fair Scheduler) quota."`
	CPUShares         int64  `name:"cpu-shares" placeholder:"N" help:"CPU shares (relative weight) (-c)."`
	CPUs              string `name:"cpus" placeholder:"DECIMAL" help:"Number of CPUs."`
	BlkioWeight       uint16 `placeholder:"N" help:"Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)."`
	Memory            string `short:"m" placeholder:"BYTES" help:"Memory limit."`
	MemoryReservation string `placeholder:"BYTES" help:"Memory soft limit."`
	MemorySwap        string `placeholder:"BYTES" help:"Swap limit equal to memory plus swap: '-1' to enable unlimited swap."`
	MemorySwappiness  int64  `default:"-1" placeholder:"N" help:"Tune container memory swappiness (0 to 100)."`
	OomKillDisable    bool   `help:"Disable OOM Killer."`
	OomScoreAdj       int    `placeholder:"N" help:"Tune host's OOM preferences (-1000 to 1000)."`
	PidsLimit         int64  `placeholder:"N" help:"Tune container pids limit (set -1 for unlimited)."`
	CgroupParent      string `placeholder:"CGROUP" help:"Optional parent cgroup for the container."`
	IPC               string `name:"ipc" placeholder:"MODE" help:"IPC mode to use."`
	PID               string `name:"pid" placeholder:"MODE" help:"PID namespace to use."`
	UTS               string `name:"uts" placeholder:"MODE" help:"UTS namespace to use."`
	ShmSize           string `placeholder:"BYTES" help:"Size of /dev/shm."`
	Isolation         string `placeholder:"TECH" help:"Container isolation technology."`
	Runtime           string `placeholder:"RUNTIME" help:"Runtime to use for this container."`
	Init              bool   `help:"Run an init inside the container that forwards signals and reaps processes."`
}

// createOptions are the flags of `create` that `run` has too, and the
// image and command.
type createOptions struct {
	containerOptions `embed:""`

	Name     string `placeholder:"NAME" help:"Assign a name to the container."`
	Pull     string `default:"missing" placeholder:"POLICY" help:"Pull image before creating (\"always\", \"missing\", \"never\")."`
	Quiet    bool   `short:"q" help:"Suppress the pull output."`
	Platform string `placeholder:"PLATFORM" help:"Set platform if server is multi-platform capable."`

	// Image and Args take everything after the image as the command, flags
	// included, as docker does (it stops parsing flags at the image).
	Image string   `arg:"" passthrough:"" name:"image" help:"The image to create the container from."`
	Args  []string `arg:"" optional:"" passthrough:"" name:"command" help:"The command and its arguments."`
}
