package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/registry"
	"github.com/moby/moby/client"
)

// loginCmd is `skiff login`.
type loginCmd struct {
	Username      string `short:"u" help:"Username."`
	Password      string `short:"p" help:"Password or Personal Access Token (PAT)."`
	PasswordStdin bool   `name:"password-stdin" help:"Take the Password or Personal Access Token (PAT) from stdin."`
	Server        string `arg:"" optional:"" name:"server" help:"Registry to log in to (default: Docker Hub)."`
}

// The notes docker prints around a login.
const (
	loginSucceeded       = "Login Succeeded"
	unencryptedWarning   = "\nWARNING! Your credentials are stored unencrypted in '%s'.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n"
	registerSuggest      = "Log in with your Docker ID or email address to push and pull images from Docker Hub. If you don't have a Docker ID, head over to https://hub.docker.com/ to create one."
	insecurePasswordNote = "WARNING! Using --password via the CLI is insecure. Use --password-stdin."
)

// Run checks the credentials with the daemon (POST /auth) and stores them
// where config.json says: a credential helper, or base64 in "auths".
// Without a username and password it first tries the stored ones, then
// prompts on a terminal.
func (c *loginCmd) Run(a *app) error {
	if err := c.readPassword(a); err != nil {
		return err
	}
	if a.getenv(authConfigEnv) != "" {
		fmt.Fprintf(a.Stderr, "WARNING: %[1]s is set and takes precedence.\nUnset %[1]s to restore the CLI auth behaviour.\n", authConfigEnv)
	}
	server := indexServer
	if c.Server != "" && c.Server != "docker.io" {
		server = convertToHostname(c.Server)
	}
	cfg, err := a.configFile()
	if err != nil {
		return err
	}
	store := cfg.storeFor(server)
	var stored registry.AuthConfig
	if c.Username == "" && c.Password == "" {
		stored, _ = store.Get(server)
		if stored.Username != "" && stored.Password != "" {
			if status, err := c.loginStored(a, store, stored); err == nil {
				return printLoginStatus(a, status)
			}
		}
	}
	ac, err := c.prompt(a, stored.Username, server)
	if err != nil {
		return err
	}
	status, err := a.registryLogin(ac)
	if err != nil {
		return err
	}
	if err := storeCredentials(a, cfg, store, status.IdentityToken, ac); err != nil {
		return err
	}
	return printLoginStatus(a, status.Status)
}

// readPassword applies --password-stdin and checks the flags as docker does.
func (c *loginCmd) readPassword(a *app) error {
	switch {
	case c.PasswordStdin && c.Password != "":
		return errors.New("conflicting options: cannot specify both --password and --password-stdin")
	case c.PasswordStdin && c.Username == "":
		return errors.New("the --password-stdin option requires --username to be set")
	}
	if c.Password != "" {
		fmt.Fprintln(a.Stderr, insecurePasswordNote)
	}
	if c.PasswordStdin {
		b, err := io.ReadAll(a.Stdin)
		if err != nil {
			return err
		}
		c.Password = strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	}
	return nil
}

// loginStored retries the stored credentials, as docker does before it
// prompts; on failure the caller prompts.
func (c *loginCmd) loginStored(a *app, store credentialStore, ac registry.AuthConfig) (string, error) {
	fmt.Fprintf(a.Stderr, "Authenticating with existing credentials... [Username: %s]\n", ac.Username)
	fmt.Fprint(a.Stderr, "\ni Info → To login with a different account, run 'skiff logout' followed by 'skiff login'\n\n\n")
	res, err := a.registryLogin(ac)
	if err != nil {
		if cerrdefs.IsUnauthorized(err) {
			fmt.Fprintln(a.Stderr, "Stored credentials invalid or expired")
		} else {
			fmt.Fprintln(a.Stderr, "Login did not succeed, error:", err)
		}
		return "", err
	}
	if res.IdentityToken != "" {
		ac.Password, ac.IdentityToken = "", res.IdentityToken
		if err := store.Store(ac); err != nil {
			return "", fmt.Errorf("Error saving credentials: %w", err)
		}
	}
	return res.Status, nil
}

// prompt completes the username and password from the terminal.
func (c *loginCmd) prompt(a *app, defaultUser, server string) (registry.AuthConfig, error) {
	user, password := strings.TrimSpace(c.Username), strings.TrimSpace(c.Password)
	if (user == "" || password == "") && !isTerminal(a.Stdin) {
		return registry.AuthConfig{}, errors.New("Error: Cannot perform an interactive login from a non TTY device")
	}
	if user == "" {
		if server == indexServer {
			fmt.Fprintln(a.Stdout, registerSuggest)
		}
		msg := "Username: "
		if defaultUser != "" {
			msg = fmt.Sprintf("Username (%s): ", defaultUser)
		}
		var err error
		if user, err = readLine(a.Stdin, a.Stdout, msg); err != nil {
			return registry.AuthConfig{}, err
		}
		if user == "" {
			user = defaultUser
		}
		if user == "" {
			return registry.AuthConfig{}, errors.New("Error: Non-null Username Required")
		}
	}
	if password == "" {
		restore, err := disableEcho(a.Stdin)
		if err != nil {
			return registry.AuthConfig{}, err
		}
		password, err = readLine(a.Stdin, a.Stdout, "Password: ")
		if rerr := restore(); rerr != nil {
			fmt.Fprintln(a.Stderr, "Error: failed to restore terminal state to echo input:", rerr)
		}
		fmt.Fprintln(a.Stdout)
		if err != nil {
			return registry.AuthConfig{}, err
		}
		if password == "" {
			return registry.AuthConfig{}, errors.New("Error: Password Required")
		}
	}
	return registry.AuthConfig{Username: user, Password: password, ServerAddress: server}, nil
}

// registryLogin asks the daemon to check the credentials with the registry.
func (a *app) registryLogin(ac registry.AuthConfig) (registry.AuthResponse, error) {
	cl, err := a.apiClient()
	if err != nil {
		return registry.AuthResponse{}, err
	}
	res, err := cl.RegistryLogin(a.ctx, client.RegistryLoginOptions{
		Username: ac.Username, Password: ac.Password, ServerAddress: ac.ServerAddress,
		IdentityToken: ac.IdentityToken, RegistryToken: ac.RegistryToken,
	})
	return res.Auth, err
}

// storeCredentials saves ac, with the registry's identity token instead of
// the password when it sent one, and warns when the secret lands in
// config.json in clear.
func storeCredentials(a *app, cfg *configFile, store credentialStore, token string, ac registry.AuthConfig) error {
	if token != "" {
		ac.Password, ac.IdentityToken = "", token
	}
	if err := store.Store(ac); err != nil {
		return fmt.Errorf("Error saving credentials: %w", err)
	}
	if _, plain := store.(fileStore); plain && ac.Password != "" {
		fmt.Fprintln(a.Stderr, fmt.Sprintf(unencryptedWarning, cfg.path))
	}
	return nil
}

// printLoginStatus prints the daemon's status ("Login Succeeded").
func printLoginStatus(a *app, status string) error {
	if status == "" {
		status = loginSucceeded
	}
	fmt.Fprintln(a.Stdout, status)
	return nil
}
