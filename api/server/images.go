package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/registry"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/skiff-engine/skiff/api/httputils"
	"github.com/skiff-engine/skiff/internal/filters"
	"github.com/skiff-engine/skiff/internal/images"
)

// ImagesBackend is what the image routes need; internal/images implements it.
type ImagesBackend interface {
	List(ctx context.Context, f filters.Args) ([]image.Summary, error)
	Inspect(ctx context.Context, name string) (*image.InspectResponse, error)
	History(ctx context.Context, name string) ([]image.HistoryResponseItem, error)
	Tag(ctx context.Context, source, repo, tag string) error
	Remove(ctx context.Context, name string, opt images.RemoveOptions) ([]image.DeleteResponse, error)
	Pull(ctx context.Context, name string, opt images.PullOptions, out images.Progress) error
	Push(ctx context.Context, name, tag string, auth *registry.AuthConfig, out images.Progress) error
	Login(ctx context.Context, ac registry.AuthConfig) (registry.AuthResponse, error)
	Prune(ctx context.Context, f filters.Args) (*image.PruneReport, error)
	Search(ctx context.Context, term string, limit int, auth *registry.AuthConfig) ([]registry.SearchResult, error)
	Distribution(ctx context.Context, name string, auth *registry.AuthConfig) (*registry.DistributionInspect, error)
	Import(ctx context.Context, body io.Reader, opt images.ImportOptions, out images.Progress) error
	Save(ctx context.Context, names []string, w io.Writer) error
	Load(ctx context.Context, r io.Reader, quiet bool, out images.Progress) error
}

func (s *Server) registerImageRoutes() {
	b := s.opts.Images
	if b == nil {
		return
	}
	s.Handle("GET /images/json", func(w http.ResponseWriter, r *http.Request) error {
		f, err := filters.Parse(r.URL.Query().Get("filters"))
		if err != nil {
			return err
		}
		list, err := b.List(r.Context(), f)
		if err != nil {
			return err
		}
		return httputils.WriteJSON(w, http.StatusOK, list)
	})
	s.Handle("GET /images/{name...}/json", func(w http.ResponseWriter, r *http.Request) error {
		resp, err := b.Inspect(r.Context(), r.PathValue("name"))
		if err != nil {
			return err
		}
		return httputils.WriteJSON(w, http.StatusOK, resp)
	})
	s.Handle("GET /images/{name...}/history", func(w http.ResponseWriter, r *http.Request) error {
		resp, err := b.History(r.Context(), r.PathValue("name"))
		if err != nil {
			return err
		}
		return httputils.WriteJSON(w, http.StatusOK, resp)
	})
	s.Handle("POST /images/{name...}/tag", func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		if err := b.Tag(r.Context(), r.PathValue("name"), q.Get("repo"), q.Get("tag")); err != nil {
			return err
		}
		w.WriteHeader(http.StatusCreated)
		return nil
	})
	s.Handle("DELETE /images/{name...}", func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		resp, err := b.Remove(r.Context(), r.PathValue("name"), images.RemoveOptions{Force: formBool(q, "force"), NoPrune: formBool(q, "noprune")})
		if err != nil {
			return err
		}
		return httputils.WriteJSON(w, http.StatusOK, resp)
	})
	s.Handle("POST /images/create", func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		var plat *ocispec.Platform
		if p := q.Get("platform"); p != "" {
			var err error
			if plat, err = parsePlatform(p); err != nil {
				return err
			}
		}
		from := q.Get("fromImage")
		if from == "" {
			src := q.Get("fromSrc")
			if src == "" {
				return httputils.InvalidParameter(errors.New("fromImage or fromSrc is required"))
			}
			out := newProgressStream(w, r)
			err := b.Import(r.Context(), r.Body, images.ImportOptions{
				Source: src, Repo: q.Get("repo"), Tag: q.Get("tag"),
				Changes: q["changes"], Message: q.Get("message"), Platform: plat,
			}, out.send)
			if err != nil {
				return out.fail(err)
			}
			return nil
		}
		name := from
		if tag := q.Get("tag"); tag != "" {
			// tag may be a digest ("sha256:…"), as the docker CLI sends
			// for name@digest.
			if strings.Contains(tag, ":") {
				name += "@" + tag
			} else {
				name += ":" + tag
			}
		}
		auth, err := images.DecodeAuth(r.Header.Get("X-Registry-Auth"))
		if err != nil {
			return err
		}
		opt := images.PullOptions{Auth: auth, Platform: plat}
		out := newProgressStream(w, r)
		if err := b.Pull(r.Context(), name, opt, out.send); err != nil {
			return out.fail(err)
		}
		return nil
	})
	s.Handle("POST /images/{name...}/push", func(w http.ResponseWriter, r *http.Request) error {
		auth, err := images.DecodeAuth(r.Header.Get("X-Registry-Auth"))
		if err != nil {
			return err
		}
		out := newProgressStream(w, r)
		if err := b.Push(r.Context(), r.PathValue("name"), r.URL.Query().Get("tag"), auth, out.send); err != nil {
			return out.fail(err)
		}
		return nil
	})
	save := func(w http.ResponseWriter, r *http.Request, names []string) error {
		if len(names) == 0 {
			return httputils.InvalidParameter(errors.New("no image names given"))
		}
		return b.Save(r.Context(), names, &lazyTar{w: w})
	}
	s.Handle("GET /images/get", func(w http.ResponseWriter, r *http.Request) error {
		return save(w, r, r.URL.Query()["names"])
	})
	s.Handle("GET /images/{name...}/get", func(w http.ResponseWriter, r *http.Request) error {
		return save(w, r, []string{r.PathValue("name")})
	})
	s.Handle("POST /images/load", func(w http.ResponseWriter, r *http.Request) error {
		out := newProgressStream(w, r)
		if err := b.Load(r.Context(), r.Body, formBool(r.URL.Query(), "quiet"), out.send); err != nil {
			return out.fail(err)
		}
		return nil
	})
	s.Handle("POST /images/prune", func(w http.ResponseWriter, r *http.Request) error {
		f, err := filters.Parse(r.URL.Query().Get("filters"))
		if err != nil {
			return err
		}
		report, err := b.Prune(r.Context(), f)
		if err != nil {
			return err
		}
		return httputils.WriteJSON(w, http.StatusOK, report)
	})
	s.Handle("GET /images/search", func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		f, err := filters.Parse(q.Get("filters"))
		if err != nil {
			return err
		}
		if err := f.Validate(map[string]bool{"is-official": true, "is-automated": true, "stars": true}); err != nil {
			return err
		}
		auth, err := images.DecodeAuth(r.Header.Get("X-Registry-Auth"))
		if err != nil {
			return err
		}
		limit, _ := strconv.Atoi(q.Get("limit"))
		results, err := b.Search(r.Context(), q.Get("term"), limit, auth)
		if err != nil {
			return err
		}
		minStars := 0
		if v := f.Get("stars"); len(v) > 0 {
			if minStars, err = strconv.Atoi(v[0]); err != nil {
				return httputils.InvalidParameter(errors.New("invalid filter 'stars=" + v[0] + "'"))
			}
		}
		official, _ := f.GetBoolOrDefault("is-official", false)
		out := results[:0]
		for _, res := range results {
			if res.StarCount < minStars || (f.Contains("is-official") && res.IsOfficial != official) {
				continue
			}
			out = append(out, res)
		}
		return httputils.WriteJSON(w, http.StatusOK, out)
	})
	s.Handle("GET /distribution/{name...}/json", func(w http.ResponseWriter, r *http.Request) error {
		auth, err := images.DecodeAuth(r.Header.Get("X-Registry-Auth"))
		if err != nil {
			return err
		}
		resp, err := b.Distribution(r.Context(), r.PathValue("name"), auth)
		if err != nil {
			return err
		}
		return httputils.WriteJSON(w, http.StatusOK, resp)
	})
	s.Handle("POST /auth", func(w http.ResponseWriter, r *http.Request) error {
		var ac registry.AuthConfig
		if err := httputils.ReadJSON(r, &ac); err != nil {
			return err
		}
		resp, err := b.Login(r.Context(), ac)
		if err != nil {
			return err
		}
		return httputils.WriteJSON(w, http.StatusOK, resp)
	})
}

// progressStream starts the 200 JSON stream at the first message, so that
// an operation failing before it sends anything answers with a real status.
type progressStream struct {
	w      http.ResponseWriter
	r      *http.Request
	stream *httputils.JSONStreamWriter
}

func newProgressStream(w http.ResponseWriter, r *http.Request) *progressStream {
	return &progressStream{w: w, r: r}
}

func (p *progressStream) send(m images.Message) {
	if p.stream == nil {
		p.stream = httputils.NewJSONStreamWriter(p.w, httputils.MediaTypeJSON)
	}
	_ = p.stream.Encode(m) // a gone client cancels the request context
}

// fail reports err: as the status when nothing was streamed yet, else as
// the stream's final error message.
func (p *progressStream) fail(err error) error {
	if p.stream == nil {
		return err
	}
	p.send(images.ErrorMessage(err))
	return nil
}

// parsePlatform reads "os[/arch[/variant]]".
func parsePlatform(s string) (*ocispec.Platform, error) {
	parts := strings.Split(s, "/")
	if len(parts) > 3 || parts[0] == "" {
		return nil, httputils.InvalidParameter(errors.New("invalid platform " + strconv.Quote(s) + ": want os[/arch[/variant]]"))
	}
	p := &ocispec.Platform{OS: parts[0]}
	if len(parts) > 1 {
		p.Architecture = parts[1]
	}
	if len(parts) > 2 {
		p.Variant = parts[2]
	}
	return p, nil
}

// lazyTar sets the tar content type with the first byte, so a save that
// fails before writing anything still answers with an error status.
type lazyTar struct {
	w       http.ResponseWriter
	started bool
}

func (t *lazyTar) Write(p []byte) (int, error) {
	if !t.started {
		t.started = true
		t.w.Header().Set("Content-Type", "application/x-tar")
		t.w.WriteHeader(http.StatusOK)
	}
	return t.w.Write(p)
}
