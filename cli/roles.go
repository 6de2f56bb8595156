package cli

import "errors"

// daemonCmd hands `skiff daemon ...` to the daemon role, arguments untouched.
type daemonCmd struct {
	Args []string `arg:"" optional:"" help:"Daemon arguments (see 'skiff daemon --help')."`
}

// Run hands over to Roles.Daemon once the parser is gone (see app.then).
func (c *daemonCmd) Run(a *app) error {
	a.then = func() error { return passthrough(a.roles.Daemon, "daemon", c.Args) }
	return nil
}

// checkCmd hands `skiff check ...` to the check role, arguments untouched.
type checkCmd struct {
	Args []string `arg:"" optional:"" help:"Check arguments (see 'skiff check --help')."`
}

// Run calls Roles.Check.
func (c *checkCmd) Run(a *app) error { return passthrough(a.roles.Check, "check", c.Args) }

func passthrough(role func([]string) int, name string, args []string) error {
	if role == nil {
		return errors.New("skiff: the " + name + " role is not available in this build")
	}
	if args == nil {
		args = []string{}
	}
	if code := role(args); code != 0 {
		return statusError{Code: code}
	}
	return nil
}
