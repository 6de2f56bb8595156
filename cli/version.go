package cli

import (
	"runtime"
	"text/tabwriter"
	"time"

	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/client"

	"github.com/skiff-engine/skiff/cli/format"
)

// versionCmd is `skiff version`.
type versionCmd struct {
	Format string `short:"f" placeholder:"TEMPLATE" help:"Format output using a custom template: 'json' or a Go template."`
}

// clientVersion is the Client part of `skiff version`, shaped as docker's.
type clientVersion struct {
	Version           string
	APIVersion        string `json:"ApiVersion"`
	DefaultAPIVersion string `json:"DefaultAPIVersion,omitempty"`
	GitCommit         string
	GoVersion         string
	Os                string
	Arch              string
	BuildTime         string `json:",omitempty"`
	Context           string
}

// versionInfo is what --format templates see: {{.Client.Version}},
// {{.Server.Version}}; Server is nil when the daemon is unreachable.
type versionInfo struct {
	Client clientVersion
	Server *system.VersionResponse
}

// versionTemplate lays out `skiff version` as `docker version` does; the
// Engine component is drawn from the Server fields, others from their details.
const versionTemplate = `Client:
 Version:	{{.Client.Version}}
 API version:	{{.Client.APIVersion}}{{if and .Client.DefaultAPIVersion (ne .Client.APIVersion .Client.DefaultAPIVersion)}} (downgraded from {{.Client.DefaultAPIVersion}}){{end}}
 Go version:	{{.Client.GoVersion}}
 Git commit:	{{.Client.GitCommit}}
{{- with .Client.BuildTime}}
 Built:	{{.}}
{{- end}}
 OS/Arch:	{{.Client.Os}}/{{.Client.Arch}}
 Context:	{{.Client.Context}}
{{- with .Server}}

Server:{{with .Platform.Name}} {{.}}{{end}}
{{- $server := .}}
{{- range .Components}}
 {{.Name}}:
{{- if eq .Name "Engine"}}
  Version:	{{$server.Version}}
  API version:	{{$server.APIVersion}}{{with $server.MinAPIVersion}} (minimum version {{.}}){{end}}
  Go version:	{{$server.GoVersion}}
  Git commit:	{{$server.GitCommit}}
{{- with $server.BuildTime}}
  Built:	{{.}}
{{- end}}
  OS/Arch:	{{$server.Os}}/{{$server.Arch}}
  Experimental:	{{$server.Experimental}}
{{- else}}
  Version:	{{.Version}}
{{- range $key, $value := .Details}}
  {{$key}}:	{{$value}}
{{- end}}
{{- end}}
{{- end}}
{{- end}}`

// Run prints the client's version, then asks the daemon for its own.
func (c *versionCmd) Run(a *app) error {
	info := versionInfo{Client: a.clientVersion()}
	cl, err := a.apiClient()
	if err == nil {
		var sv client.ServerVersionResult
		sv, err = cl.ServerVersion(a.ctx, client.ServerVersionOptions{})
		if err == nil {
			info.Server = serverVersion(sv)
		}
		// The client negotiated its API version with the daemon's by now.
		info.Client.APIVersion = cl.ClientVersion()
	}
	// Like docker, show what we know even when the daemon is unreachable,
	// and report its error rather than the template's.
	if perr := printVersion(a, format.Format(c.Format), info); perr != nil && err == nil {
		err = perr
	}
	return err
}

func printVersion(a *app, f format.Format, info versionInfo) error {
	tmpl, err := format.Parse(f.Template(versionTemplate))
	if err != nil {
		return statusError{Code: 64, Msg: "template parsing error: " + err.Error()}
	}
	tw := tabwriter.NewWriter(a.Stdout, 20, 1, 1, ' ', 0)
	err = tmpl.Execute(tw, info)
	_, _ = tw.Write([]byte("\n"))
	if ferr := tw.Flush(); err == nil {
		err = ferr
	}
	return err
}

// clientVersion describes this binary.
func (a *app) clientVersion() clientVersion {
	v := clientVersion{
		Version:           a.build.Version,
		APIVersion:        client.MaxAPIVersion,
		DefaultAPIVersion: client.MaxAPIVersion,
		GitCommit:         a.build.GitCommit,
		GoVersion:         runtime.Version(),
		Os:                runtime.GOOS,
		Arch:              runtime.GOARCH,
		Context:           "default",
	}
	if t, err := time.Parse(time.RFC3339, a.build.BuildTime); err == nil {
		v.BuildTime = t.Format(time.ANSIC)
	}
	return v
}

// serverVersion shapes the client's result as the API's VersionResponse
// (what docker's templates see), filling the Engine fields from the Engine
// component and adding that component when the daemon sent none.
func serverVersion(r client.ServerVersionResult) *system.VersionResponse {
	v := &system.VersionResponse{
		Platform:      system.PlatformInfo{Name: r.Platform.Name},
		Version:       r.Version,
		APIVersion:    r.APIVersion,
		MinAPIVersion: r.MinAPIVersion,
		Os:            r.Os,
		Arch:          r.Arch,
		Experimental:  r.Experimental, //nolint:staticcheck // still sent by daemons, shown by docker
		Components:    r.Components,
	}
	engine := false
	for _, c := range r.Components {
		if c.Name != "Engine" {
			continue
		}
		engine = true
		d := c.Details
		v.GitCommit, v.GoVersion, v.KernelVersion, v.BuildTime = d["GitCommit"], d["GoVersion"], d["KernelVersion"], d["BuildTime"]
		if v.MinAPIVersion == "" {
			v.MinAPIVersion = d["MinAPIVersion"]
		}
		if v.APIVersion == "" {
			v.APIVersion = d["ApiVersion"]
		}
	}
	if !engine {
		v.Components = append([]system.ComponentVersion{{Name: "Engine", Version: r.Version}}, v.Components...)
	}
	return v
}
