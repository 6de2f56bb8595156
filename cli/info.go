package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/docker/go-units"
	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/client"

	"github.com/skiff-engine/skiff/cli/format"
)

// infoCmd is `skiff info` and `skiff system info`.
type infoCmd struct {
	Format string `short:"f" placeholder:"TEMPLATE" help:"Format output using a custom template: 'json' or a Go template."`
}

// clientInfo is the Client part of `skiff info`.
type clientInfo struct {
	Version string
	Context string
	Debug   bool
}

// infoData is what --format templates see, shaped as docker's: the server's
// fields at the top ({{.ServerVersion}}) plus ClientInfo.
type infoData struct {
	*system.Info
	ClientInfo   *clientInfo
	ClientErrors []string `json:",omitempty"`
	ServerErrors []string `json:",omitempty"`
}

// Run asks the daemon for its information and prints it after the client's.
func (c *infoCmd) Run(a *app) error {
	data := infoData{ClientInfo: &clientInfo{Version: a.build.Version, Context: "default", Debug: a.globals.Debug}}
	cl, err := a.apiClient()
	if err == nil {
		var res client.SystemInfoResult
		if res, err = cl.Info(a.ctx, client.InfoOptions{}); err == nil {
			data.Info = &res.Info
		}
	}
	if err != nil {
		data.ServerErrors = append(data.ServerErrors, a.describe(err))
	}
	if c.Format != "" {
		ferr := format.Execute(a.Stdout, format.Format(c.Format), "", data)
		if err != nil {
			return err
		}
		return ferr
	}
	printClientInfo(a.Stdout, data.ClientInfo)
	fmt.Fprintln(a.Stdout)
	fmt.Fprintln(a.Stdout, "Server:")
	if data.Info == nil {
		return err
	}
	printServerInfo(a.Stdout, data.Info)
	for _, w := range data.Info.Warnings {
		if !strings.HasPrefix(w, "WARNING:") {
			w = "WARNING: " + w
		}
		fmt.Fprintln(a.Stderr, w)
	}
	return nil
}

func printClientInfo(w io.Writer, c *clientInfo) {
	fmt.Fprintln(w, "Client:")
	fmt.Fprintln(w, " Version:   ", c.Version)
	fmt.Fprintln(w, " Context:   ", c.Context)
	fmt.Fprintln(w, " Debug Mode:", c.Debug)
}

// printServerInfo lays the server out as `docker info` does, skipping what
// the daemon left empty.
func printServerInfo(w io.Writer, i *system.Info) {
	line := func(indent int, label string, v any) {
		fmt.Fprintf(w, "%s%s: %v\n", strings.Repeat(" ", indent), label, v)
	}
	opt := func(indent int, label, v string) {
		if v != "" {
			line(indent, label, v)
		}
	}
	list := func(indent int, label string, vs []string) {
		if len(vs) > 0 {
			line(indent, label, strings.Join(vs, " "))
		}
	}
	line(1, "Containers", i.Containers)
	line(2, "Running", i.ContainersRunning)
	line(2, "Paused", i.ContainersPaused)
	line(2, "Stopped", i.ContainersStopped)
	line(1, "Images", i.Images)
	opt(1, "Server Version", i.ServerVersion)
	opt(1, "Storage Driver", i.Driver)
	for _, kv := range i.DriverStatus {
		line(2, kv[0], kv[1])
	}
	opt(1, "Logging Driver", i.LoggingDriver)
	opt(1, "Cgroup Driver", i.CgroupDriver)
	opt(1, "Cgroup Version", i.CgroupVersion)
	if p := i.Plugins; len(p.Volume)+len(p.Network)+len(p.Log)+len(p.Authorization) > 0 {
		fmt.Fprintln(w, " Plugins:")
		list(2, "Volume", p.Volume)
		list(2, "Network", p.Network)
		list(2, "Authorization", p.Authorization)
		list(2, "Log", p.Log)
	}
	if len(i.Runtimes) > 0 {
		names := make([]string, 0, len(i.Runtimes))
		for n := range i.Runtimes {
			names = append(names, n)
		}
		sort.Strings(names)
		list(1, "Runtimes", names)
	}
	opt(1, "Default Runtime", i.DefaultRuntime)
	opt(1, "Init Binary", i.InitBinary)
	if len(i.SecurityOptions) > 0 {
		fmt.Fprintln(w, " Security Options:")
		for _, o := range i.SecurityOptions {
			name, details := decodeSecurityOption(o)
			fmt.Fprintf(w, "  %s\n", name)
			for _, kv := range details {
				line(3, kv[0], kv[1])
			}
		}
	}
	opt(1, "Kernel Version", i.KernelVersion)
	opt(1, "Operating System", i.OperatingSystem)
	opt(1, "OSType", i.OSType)
	opt(1, "Architecture", i.Architecture)
	line(1, "CPUs", i.NCPU)
	line(1, "Total Memory", units.BytesSize(float64(i.MemTotal)))
	opt(1, "Name", i.Name)
	opt(1, "ID", i.ID)
	opt(1, "Docker Root Dir", i.DockerRootDir)
	line(1, "Debug Mode", i.Debug)
	if i.Debug {
		line(2, "File Descriptors", i.NFd)
		line(2, "Goroutines", i.NGoroutines)
		opt(2, "System Time", i.SystemTime)
		line(2, "EventsListeners", i.NEventsListener)
	}
	opt(1, "HTTP Proxy", i.HTTPProxy)
	opt(1, "HTTPS Proxy", i.HTTPSProxy)
	opt(1, "No Proxy", i.NoProxy)
	if len(i.Labels) > 0 {
		fmt.Fprintln(w, " Labels:")
		for _, l := range i.Labels {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	line(1, "Experimental", i.ExperimentalBuild)
	if rc := i.RegistryConfig; rc != nil {
		var insecure []string
		for _, c := range rc.InsecureRegistryCIDRs {
			insecure = append(insecure, c.String())
		}
		for name, idx := range rc.IndexConfigs {
			if idx != nil && !idx.Secure {
				insecure = append(insecure, name)
			}
		}
		sort.Strings(insecure)
		if len(insecure) > 0 {
			fmt.Fprintln(w, " Insecure Registries:")
			for _, r := range insecure {
				fmt.Fprintf(w, "  %s\n", r)
			}
		}
		if len(rc.Mirrors) > 0 {
			fmt.Fprintln(w, " Registry Mirrors:")
			for _, m := range rc.Mirrors {
				fmt.Fprintf(w, "  %s\n", m)
			}
		}
	}
	line(1, "Live Restore Enabled", i.LiveRestoreEnabled)
}

// decodeSecurityOption splits "name=seccomp,profile=builtin" into the name
// and its other properties with capitalized keys, as docker prints them.
// An entry without "name=" (old daemons) is the name itself.
func decodeSecurityOption(s string) (string, [][2]string) {
	if !strings.Contains(s, "=") {
		return s, nil
	}
	var name string
	var details [][2]string
	for _, kv := range strings.Split(s, ",") {
		k, v, _ := strings.Cut(kv, "=")
		if k == "name" {
			name = v
			continue
		}
		if k != "" {
			k = strings.ToUpper(k[:1]) + k[1:]
		}
		details = append(details, [2]string{k, v})
	}
	return name, details
}
