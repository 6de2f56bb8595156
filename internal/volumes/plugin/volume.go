package plugin

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Timeouts per call, shorter than dockerd's (1 and 2 minutes): a plugin
// that hangs must not hold a `docker run` for minutes.
const (
	ActivateTimeout = 10 * time.Second
	ShortTimeout    = 30 * time.Second
	LongTimeout     = 60 * time.Second
)

// VolumeDriverInterface is what a volume plugin lists in Implements.
const VolumeDriverInterface = "VolumeDriver"

// Volume is a volume as a plugin describes it.
type Volume struct {
	Name       string
	Mountpoint string
	CreatedAt  string         `json:",omitempty"`
	Status     map[string]any `json:",omitempty"`
}

// Capabilities is VolumeDriver.Capabilities' answer.
type Capabilities struct {
	Scope string
}

// Activate calls Plugin.Activate and checks that the plugin implements
// VolumeDriver.
func (c *Client) Activate(ctx context.Context) error {
	var m struct{ Implements []string }
	if err := c.Call(ctx, "Plugin.Activate", ActivateTimeout, nil, &m); err != nil {
		return err
	}
	if !slices.Contains(m.Implements, VolumeDriverInterface) {
		return fmt.Errorf("Plugin does not implement the requested driver: plugin=%q, requested implementation=%q", c.name, VolumeDriverInterface)
	}
	return nil
}

// errResp is the {"Err": "..."} every VolumeDriver answer carries.
type errResp struct{ Err string }

func (e errResp) err() error {
	if e.Err == "" {
		return nil
	}
	return errors.New(e.Err)
}

// Create is VolumeDriver.Create.
func (c *Client) Create(ctx context.Context, name string, opts map[string]string) error {
	var r errResp
	if err := c.Call(ctx, "VolumeDriver.Create", LongTimeout, map[string]any{"Name": name, "Opts": opts}, &r); err != nil {
		return err
	}
	return r.err()
}

// Remove is VolumeDriver.Remove.
func (c *Client) Remove(ctx context.Context, name string) error {
	var r errResp
	if err := c.Call(ctx, "VolumeDriver.Remove", ShortTimeout, map[string]any{"Name": name}, &r); err != nil {
		return err
	}
	return r.err()
}

// Mount is VolumeDriver.Mount; id is the caller's unique id (a container ID).
func (c *Client) Mount(ctx context.Context, name, id string) (string, error) {
	var r struct {
		Mountpoint string
		Err        string
	}
	if err := c.Call(ctx, "VolumeDriver.Mount", LongTimeout, map[string]any{"Name": name, "ID": id}, &r); err != nil {
		return "", err
	}
	return r.Mountpoint, errResp{r.Err}.err()
}

// Unmount is VolumeDriver.Unmount.
func (c *Client) Unmount(ctx context.Context, name, id string) error {
	var r errResp
	if err := c.Call(ctx, "VolumeDriver.Unmount", ShortTimeout, map[string]any{"Name": name, "ID": id}, &r); err != nil {
		return err
	}
	return r.err()
}

// Get is VolumeDriver.Get; a plugin that does not know the volume answers
// with an Err.
func (c *Client) Get(ctx context.Context, name string) (*Volume, error) {
	var r struct {
		Volume *Volume
		Err    string
	}
	if err := c.Call(ctx, "VolumeDriver.Get", ShortTimeout, map[string]any{"Name": name}, &r); err != nil {
		return nil, err
	}
	if err := (errResp{r.Err}).err(); err != nil {
		return nil, err
	}
	if r.Volume == nil {
		return nil, errors.New("no such volume")
	}
	return r.Volume, nil
}

// List is VolumeDriver.List.
func (c *Client) List(ctx context.Context) ([]Volume, error) {
	var r struct {
		Volumes []Volume
		Err     string
	}
	if err := c.Call(ctx, "VolumeDriver.List", ShortTimeout, map[string]any{}, &r); err != nil {
		return nil, err
	}
	return r.Volumes, errResp{r.Err}.err()
}

// Capabilities is VolumeDriver.Capabilities; a plugin that does not
// implement it (404) has local scope.
func (c *Client) Capabilities(ctx context.Context) (Capabilities, error) {
	var r struct {
		Capabilities Capabilities
		Err          string
	}
	if err := c.Call(ctx, "VolumeDriver.Capabilities", ShortTimeout, map[string]any{}, &r); err != nil {
		return Capabilities{Scope: "local"}, err
	}
	if r.Capabilities.Scope == "" {
		r.Capabilities.Scope = "local"
	}
	return r.Capabilities, errResp{r.Err}.err()
}
