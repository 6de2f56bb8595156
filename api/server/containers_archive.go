package server

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/moby/moby/api/types/container"
	"github.com/skiff-engine/skiff/api/httputils"
)

// pathStatHeader carries a PathStat as base64 of its JSON, as dockerd
// sends it and `docker cp` reads it.
const pathStatHeader = "X-Docker-Container-Path-Stat"

func setPathStat(h http.Header, st *container.PathStat) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	h.Set(pathStatHeader, base64.StdEncoding.EncodeToString(b))
	return nil
}

// archivePath reads the required "path" parameter.
func archivePath(r *http.Request) (string, error) {
	p := r.URL.Query().Get("path")
	if p == "" {
		return "", httputils.InvalidParameter(errors.New("bad parameter: path cannot be empty"))
	}
	return p, nil
}

func (c *containerRoutes) statArchive(w http.ResponseWriter, r *http.Request) error {
	p, err := archivePath(r)
	if err != nil {
		return err
	}
	st, err := c.b.StatPath(r.Context(), r.PathValue("id"), p)
	if err != nil {
		return err
	}
	return setPathStat(w.Header(), st)
}

func (c *containerRoutes) getArchive(w http.ResponseWriter, r *http.Request) error {
	p, err := archivePath(r)
	if err != nil {
		return err
	}
	rc, st, err := c.b.ArchivePath(r.Context(), r.PathValue("id"), p)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := setPathStat(w.Header(), st); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/x-tar")
	w.WriteHeader(http.StatusOK)
	_, err = io.Copy(w, rc)
	return err
}

func (c *containerRoutes) putArchive(w http.ResponseWriter, r *http.Request) error {
	p, err := archivePath(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	opts := ExtractOptions{
		// Overwriting is allowed unless noOverwriteDirNonDir is set true.
		AllowOverwriteDirWithFile: !formBool(q, "noOverwriteDirNonDir"),
		CopyUIDGID:                formBool(q, "copyUIDGID"),
	}
	if err := c.b.ExtractToDir(r.Context(), r.PathValue("id"), p, opts, r.Body); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

func (c *containerRoutes) export(w http.ResponseWriter, r *http.Request) error {
	rc, err := c.b.Export(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("Content-Type", "application/x-tar")
	w.WriteHeader(http.StatusOK)
	_, err = io.Copy(w, rc)
	return err
}
