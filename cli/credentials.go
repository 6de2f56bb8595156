package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"github.com/moby/moby/api/types/registry"
)

// credentialStore keeps the credentials of registries: config.json itself,
// or a docker-credential-<helper> program named by credsStore/credHelpers.
type credentialStore interface {
	Get(server string) (registry.AuthConfig, error)
	Store(ac registry.AuthConfig) error
	Erase(server string) error
}

// credentialHelperPrefix starts the name of every credential helper program.
const credentialHelperPrefix = "docker-credential-"

// tokenUsername is the username a helper stores for an identity token.
const tokenUsername = "<token>"

// storeFor returns the store that holds server's credentials, chosen as the
// docker CLI does: credHelpers[server], else credsStore, else the file.
func (c *configFile) storeFor(server string) credentialStore {
	fs := fileStore{c}
	helper := c.str("credsStore")
	if h, ok := c.credHelpers()[server]; ok && server != "" {
		helper = h
	}
	if helper == "" {
		return fs
	}
	return helperStore{file: fs, program: credentialHelperPrefix + helper}
}

// fileStore keeps credentials base64-encoded in config.json's "auths".
type fileStore struct{ cfg *configFile }

func (s fileStore) Get(server string) (registry.AuthConfig, error) {
	ac, _, err := s.cfg.authFor(server)
	return ac, err
}

func (s fileStore) Store(ac registry.AuthConfig) error {
	if err := s.cfg.setAuth(ac); err != nil {
		return err
	}
	return s.cfg.save()
}

func (s fileStore) Erase(server string) error {
	removed, err := s.cfg.removeAuth(server)
	if err != nil || !removed {
		return err
	}
	return s.cfg.save()
}

// helperStore runs a credential helper (the docker-credential-helpers
// protocol: get/store/erase with the request on stdin, JSON on stdout) and
// keeps an empty entry in config.json, as the docker CLI does, so that the
// file still lists the registries one is logged in to.
type helperStore struct {
	file    fileStore
	program string
}

// helperCredentials is the JSON a helper reads and writes.
type helperCredentials struct {
	ServerURL string `json:"ServerURL"`
	Username  string `json:"Username"`
	Secret    string `json:"Secret"`
}

// errCredentialsNotFound is what helpers answer for an unknown server.
const errCredentialsNotFound = "credentials not found in native keychain"

func (s helperStore) Get(server string) (registry.AuthConfig, error) {
	ac, _ := s.file.Get(server)
	out, err := s.run("get", server)
	if err != nil {
		if strings.Contains(err.Error(), errCredentialsNotFound) {
			return ac, nil
		}
		return ac, err
	}
	var hc helperCredentials
	if err := json.Unmarshal(out, &hc); err != nil {
		return ac, fmt.Errorf("error getting credentials - err: %w, out: `%s`", err, strings.TrimSpace(string(out)))
	}
	ac.Username, ac.Password, ac.IdentityToken = hc.Username, hc.Secret, ""
	if hc.Username == tokenUsername {
		ac.Username, ac.Password, ac.IdentityToken = "", "", hc.Secret
	}
	ac.ServerAddress = server
	return ac, nil
}

func (s helperStore) Store(ac registry.AuthConfig) error {
	hc := helperCredentials{ServerURL: ac.ServerAddress, Username: ac.Username, Secret: ac.Password}
	if ac.IdentityToken != "" {
		hc.Username, hc.Secret = tokenUsername, ac.IdentityToken
	}
	in, err := json.Marshal(hc)
	if err != nil {
		return err
	}
	if _, err := s.run("store", string(in)); err != nil {
		return err
	}
	ac.Username, ac.Password, ac.IdentityToken = "", "", ""
	return s.file.Store(ac)
}

func (s helperStore) Erase(server string) error {
	if _, err := s.run("erase", server); err != nil {
		return err
	}
	return s.file.Erase(server)
}

// run calls the helper with action and input on stdin. A helper reports
// failure with its message on stdout and a non-zero exit.
func (s helperStore) run(action, input string) ([]byte, error) {
	cmd := exec.Command(s.program, action)
	cmd.Stdin = strings.NewReader(input)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	err := cmd.Run()
	if err == nil {
		return stdout.Bytes(), nil
	}
	msg := strings.TrimSpace(stdout.String())
	var exitErr *exec.ExitError
	if msg != "" && errors.As(err, &exitErr) {
		return nil, errors.New(msg)
	}
	return nil, fmt.Errorf("error %s credentials - err: %w, out: `%s`", helperVerb(action), err, msg)
}

func helperVerb(action string) string {
	switch action {
	case "store":
		return "storing"
	case "erase":
		return "erasing"
	}
	return "getting"
}
