package server

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/rs/zerolog"
	"github.com/skiff-engine/skiff/api/httputils"
	"github.com/skiff-engine/skiff/api/version"
)

// plainErrorsBefore is the API version below which dockerd answers errors in
// plain text: clients that old print a JSON body verbatim.
const plainErrorsBefore = "1.24"

// ServeHTTP routes one request: common headers, route lookup (404 for
// paths that are no Docker route), API version check (400), the handler,
// error mapping and the debug request log.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w}

	h := w.Header()
	h.Set("Api-Version", version.APIVersion)
	h.Set("Docker-Experimental", "false")
	h.Set("Ostype", "linux")
	h.Set("Server", "Docker/"+s.version+" (linux)")

	reqVersion, path := splitVersion(r.URL.Path)
	log := s.log.With().Str("method", r.Method).Str("path", r.URL.Path).Logger()
	ctx := httputils.WithStop(log.WithContext(r.Context()), s.stop)

	s.mu.RLock()
	rt, vars := s.routes.lookup(r.Method, path)
	s.mu.RUnlock()

	var err error
	switch {
	case rt == nil:
		err = httputils.NotFound(errors.New("page not found"))
	default:
		v := reqVersion
		if v == "" {
			v = version.APIVersion
		}
		if err = checkVersion(v); err != nil {
			break
		}
		r2 := r.WithContext(httputils.WithVersion(ctx, v))
		u := *r.URL
		u.Path, u.RawPath = path, ""
		r2.URL = &u
		for k, val := range vars {
			r2.SetPathValue(k, val)
		}
		err = s.call(rt.handler, rec, r2)
	}

	if err != nil {
		s.writeError(rec, r, reqVersion, err, &log)
	}
	ev := log.Debug()
	if rec.hijacked {
		ev = ev.Bool("hijacked", true)
	} else {
		ev = ev.Int("status", rec.status())
	}
	ev.Dur("duration", time.Since(start)).Msg("request")
}

// call runs a handler, turning a panic into a 500 so one bad handler
// cannot leave a client hanging without an answer.
func (s *Server) call(h httputils.HandlerFunc, w http.ResponseWriter, r *http.Request) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			zerolog.Ctx(r.Context()).Error().Interface("panic", p).Stack().Msg("handler panicked")
			err = fmt.Errorf("internal error: %v", p)
		}
	}()
	return h(w, r)
}

// writeError answers err unless the handler already started its response
// (a stream that failed midway), where the error can only be logged.
func (s *Server) writeError(w *statusRecorder, r *http.Request, reqVersion string, err error, log *zerolog.Logger) {
	status := httputils.StatusFromError(err)
	// 501 is a missing feature, not a fault: keep it out of the error log.
	if status >= http.StatusInternalServerError && status != http.StatusNotImplemented {
		log.Error().Err(err).Int("status", status).Msg("handler failed")
	}
	if w.wroteHeader || w.hijacked {
		if status < http.StatusInternalServerError {
			log.Debug().Err(err).Msg("error after the response started")
		}
		return
	}
	if r.Context().Err() != nil && errors.Is(err, r.Context().Err()) {
		return // the client is gone; nobody reads an answer
	}
	if reqVersion != "" && httputils.VersionLessThan(reqVersion, plainErrorsBefore) {
		http.Error(w, err.Error(), status)
		return
	}
	httputils.WriteError(w, err)
}

// versionError is an unsupported client API version. Its text is dockerd's
// word for word: clients and scripts match it.
type versionError struct {
	version, min, max string
}

func (e versionError) Error() string {
	if e.min != "" {
		return fmt.Sprintf("client version %s is too old. Minimum supported API version is %s, please upgrade your client to a newer version", e.version, e.min)
	}
	return fmt.Sprintf("client version %s is too new. Maximum supported API version is %s", e.version, e.max)
}

// InvalidParameter makes a version error a 400.
func (versionError) InvalidParameter() {}

func checkVersion(v string) error {
	if httputils.VersionLessThan(v, version.MinAPIVersion) {
		return versionError{version: v, min: version.MinAPIVersion}
	}
	if httputils.VersionGreaterThan(v, version.APIVersion) {
		return versionError{version: v, max: version.APIVersion}
	}
	return nil
}

// statusRecorder remembers the status for the request log and whether the
// response has started, and still lets handlers flush and hijack.
type statusRecorder struct {
	http.ResponseWriter
	code        int
	wroteHeader bool
	hijacked    bool
}

func (w *statusRecorder) WriteHeader(code int) {
	if !w.wroteHeader && code >= 200 {
		w.code, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.code, w.wroteHeader = http.StatusOK, true
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusRecorder) status() int {
	if !w.wroteHeader {
		return http.StatusOK
	}
	return w.code
}

// Flush lets streaming handlers push each message out.
func (w *statusRecorder) Flush() {
	if !w.wroteHeader {
		w.code, w.wroteHeader = http.StatusOK, true
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack hands the connection to attach/exec/session handlers.
func (w *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("connection cannot be hijacked")
	}
	c, rw, err := hj.Hijack()
	if err == nil {
		w.hijacked = true
	}
	return c, rw, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }
