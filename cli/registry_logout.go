package cli

import "fmt"

// logoutCmd is `skiff logout`.
type logoutCmd struct {
	Server string `arg:"" optional:"" name:"server" help:"Registry to log out from (default: Docker Hub)."`
}

// Run erases the stored credentials of the server, under each key docker
// may have used for it (as given, host[:port], http:// and https://).
func (c *logoutCmd) Run(a *app) error {
	if a.getenv(authConfigEnv) != "" {
		fmt.Fprintf(a.Stderr, "WARNING: %[1]s is set and takes precedence.\nUnset %[1]s to restore the CLI auth behaviour.\n", authConfigEnv)
	}
	server, host := c.Server, c.Server
	keys := []string{server}
	if server == "" {
		server, host = indexServer, indexServer
		keys = []string{server}
	} else {
		host = convertToHostname(server)
		keys = append(keys, host, "http://"+host, "https://"+host)
	}
	cfg, err := a.configFile()
	if err != nil {
		return err
	}
	fmt.Fprintln(a.Stdout, "Removing login credentials for", host)
	errs := map[string]error{}
	for _, k := range keys {
		if err := cfg.storeFor(k).Erase(k); err != nil {
			errs[k] = err
		}
	}
	if len(errs) == len(keys) {
		fmt.Fprintln(a.Stderr, "WARNING: could not erase credentials:")
		for _, k := range keys {
			fmt.Fprintf(a.Stderr, "%s: %s\n", k, errs[k])
		}
	}
	return nil
}
