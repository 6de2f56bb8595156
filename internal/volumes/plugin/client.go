package plugin

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// MediaType is the Accept header of every plugin call.
const MediaType = "application/vnd.docker.plugins.v1.2+json"

// Client calls one plugin. It holds no lock across a call, so a plugin that
// hangs only delays the calls made to it, each up to its own timeout.
type Client struct {
	name string
	base string // scheme://host the requests go to
	hc   *http.Client
}

// NewClient returns a client for the plugin at spec.Addr.
func NewClient(spec *Spec) (*Client, error) {
	u, err := url.Parse(spec.Addr)
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{DisableKeepAlives: true, ResponseHeaderTimeout: 0}
	c := &Client{name: spec.Name, hc: &http.Client{Transport: tr}}
	d := &net.Dialer{Timeout: 5 * time.Second}
	switch u.Scheme {
	case "unix":
		path := u.Path
		if path == "" {
			path = u.Host
		}
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			return d.DialContext(ctx, "unix", path)
		}
		c.base = "http://plugin.moby.localhost"
	case "tcp", "http":
		c.base = "http://" + u.Host
		tr.DialContext = d.DialContext
	case "https":
		c.base = "https://" + u.Host
		tr.DialContext = d.DialContext
		cfg, err := tlsConfig(spec.TLSConfig)
		if err != nil {
			return nil, err
		}
		tr.TLSClientConfig = cfg
	default:
		return nil, fmt.Errorf("plugin %s: unsupported address %q", spec.Name, spec.Addr)
	}
	return c, nil
}

func tlsConfig(t *TLSConfig) (*tls.Config, error) {
	// Docker trusts a plugin without a CA file (it found it in a directory
	// only an administrator may write).
	cfg := &tls.Config{InsecureSkipVerify: true} //nolint:gosec
	if t == nil {
		return cfg, nil
	}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		cfg.RootCAs, cfg.InsecureSkipVerify = pool, t.InsecureSkipVerify
	}
	if t.CertFile != "" && t.KeyFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, err
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

// Call POSTs args as JSON to /<method> and decodes the answer into ret,
// within timeout. A non-200 answer is an error "<method>: <Err or body>",
// as dockerd words it.
func (c *Client) Call(ctx context.Context, method string, timeout time.Duration, args, ret any) error {
	var body bytes.Buffer
	if args != nil {
		if err := json.NewEncoder(&body).Encode(args); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/"+method, &body)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", MediaType)
	req.Header.Set("Content-Type", MediaType)
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return &UnavailableError{Plugin: c.name, Err: fmt.Errorf("%s: no answer within %s", method, timeout)}
		}
		return &UnavailableError{Plugin: c.name, Err: unwrapURLError(err)}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return &UnavailableError{Plugin: c.name, Err: fmt.Errorf("%s: %w", method, err)}
	}
	if resp.StatusCode != http.StatusOK {
		var e struct{ Err string }
		if json.Unmarshal(b, &e) == nil && e.Err != "" {
			return fmt.Errorf("%s: %s", method, e.Err)
		}
		return fmt.Errorf("%s: %s", method, strings.TrimSpace(string(b)))
	}
	if ret == nil {
		return nil
	}
	if err := json.Unmarshal(b, ret); err != nil {
		return fmt.Errorf("%s: reading the plugin's answer: %w", method, err)
	}
	return nil
}

// unwrapURLError drops net/http's `Post "http://plugin.moby.localhost/..."`
// prefix, which names a made-up host, keeping the dial error.
func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// UnavailableError says a plugin could not be reached or did not answer.
type UnavailableError struct {
	Plugin string
	Err    error
}

func (e *UnavailableError) Error() string {
	return fmt.Sprintf("plugin %q is not responding: %v", e.Plugin, e.Err)
}

func (e *UnavailableError) Unwrap() error { return e.Err }

// Unavailable marks the error for errdefs.IsUnavailable (HTTP 503).
func (e *UnavailableError) Unavailable() {}
