package archive

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// Format is the layout of an image archive.
type Format string

// Formats Spool recognises. docker save since Docker 25 writes both
// manifest.json and an OCI layout; like moby's loader, skiff reads
// manifest.json when it is there.
const (
	FormatDockerArchive Format = "docker-archive"
	FormatOCI           Format = "oci-archive"
)

// Archive is a spooled and validated image archive.
type Archive struct {
	// Dir holds the archive's files (empty after ValidateArchive). Paths
	// below are relative to it, slash-separated and checked to stay inside.
	Dir    string
	Format Format
	// HasOCILayout is set when oci-layout and index.json are present, also
	// for a docker-archive written by Docker 25 or later.
	HasOCILayout bool
	Images       []Image
	// Layers holds what ValidateLayer found for every layer file named by
	// an image, keyed by its path; images that share a layer share the key.
	Layers map[string]LayerInfo
}

// Image is one image of the archive.
type Image struct {
	// RepoTags are the names to tag the image with: manifest.json's
	// RepoTags, or for OCI the io.containerd.image.name annotation (else
	// org.opencontainers.image.ref.name) of its index.json entry. They are
	// not parsed here; the engine normalises them.
	RepoTags []string
	// Manifest is the OCI/schema2 manifest blob (OCI only).
	Manifest       string
	ManifestDigest digest.Digest
	// Config is the image config file and ConfigDigest its sha256, which
	// Docker uses as the image ID.
	Config       string
	ConfigDigest digest.Digest
	// Layers are the layer files, base first; DiffIDs are their
	// uncompressed digests, equal to the config's rootfs.diff_ids.
	Layers  []string
	DiffIDs []digest.Digest
}

// maxMetadataSize bounds manifest.json, index.json, manifests and configs:
// they are read into memory, and real ones are a few KiB.
const maxMetadataSize = 8 << 20

// maxIndexDepth bounds nested indexes in an OCI layout.
const maxIndexDepth = 4

// Media types skiff needs to tell apart; the OCI ones come from image-spec.
const (
	mediaTypeDockerManifest     = "application/vnd.docker.distribution.manifest.v2+json"
	mediaTypeDockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
	mediaTypeDockerConfig       = "application/vnd.docker.container.image.v1+json"
	annotationContainerdName    = "io.containerd.image.name"
)

// dockerManifestItem is one entry of docker save's manifest.json.
type dockerManifestItem struct {
	Config   string
	RepoTags []string
	Layers   []string
}

func (s *spooler) parse() (*Archive, error) {
	a := &Archive{Layers: map[string]LayerInfo{}}
	s.layers = a.Layers
	a.HasOCILayout = s.isFile("oci-layout") && s.isFile("index.json")
	switch {
	case s.isFile("manifest.json"):
		a.Format = FormatDockerArchive
		if err := s.parseDocker(a); err != nil {
			return nil, err
		}
	case a.HasOCILayout:
		a.Format = FormatOCI
		if err := s.parseOCILayout(a); err != nil {
			return nil, err
		}
	default:
		return nil, invalidf("archive has neither manifest.json nor an OCI layout (oci-layout and index.json); the pre-1.10 docker save format is not supported")
	}
	if len(a.Images) == 0 {
		return nil, invalidf("archive contains no images")
	}
	return a, nil
}

func (s *spooler) isFile(name string) bool {
	f := s.files[name]
	return f != nil && f.kind == kindFile
}

// readJSON decodes a small metadata file of the spool.
func (s *spooler) readJSON(name string, v any) error {
	f := s.files[name]
	if f == nil || f.kind != kindFile {
		return invalidf("archive has no file %s", name)
	}
	if f.size > maxMetadataSize {
		return invalidf("%s is larger than %d bytes", name, maxMetadataSize)
	}
	b, err := s.root.ReadFile(name)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return invalidWrap(err, "invalid %s", name)
	}
	return nil
}

// refPath checks a path that a manifest names and returns it cleaned.
func refPath(p string) (string, bool) {
	if p == "" || strings.HasPrefix(p, "/") || slices.Contains(strings.Split(p, "/"), "..") {
		return "", false
	}
	p = path.Clean(p)
	return p, p != "."
}

func (s *spooler) parseDocker(a *Archive) error {
	var items []dockerManifestItem
	if err := s.readJSON("manifest.json", &items); err != nil {
		return err
	}
	for i, it := range items {
		cfg, ok := refPath(it.Config)
		if !ok {
			return invalidf("manifest.json entry %d has invalid config path %q", i, it.Config)
		}
		if !s.isFile(cfg) {
			return invalidf("manifest references missing config %s", it.Config)
		}
		img := Image{RepoTags: it.RepoTags, Config: cfg, ConfigDigest: s.files[cfg].digest}
		if img.ConfigDigest.Algorithm() != digest.SHA256 {
			// A sha512 blob: the image ID is still the config's sha256.
			d, err := s.sha256Of(cfg)
			if err != nil {
				return err
			}
			img.ConfigDigest = d
		}
		for _, l := range it.Layers {
			p, ok := refPath(l)
			if !ok {
				return invalidf("manifest.json entry %d has invalid layer path %q", i, l)
			}
			if !s.isFile(p) {
				return invalidf("manifest references missing layer %s", l)
			}
			img.Layers = append(img.Layers, p)
		}
		if err := s.finishImage(&img); err != nil {
			return err
		}
		a.Images = append(a.Images, img)
	}
	return nil
}

func (s *spooler) sha256Of(name string) (digest.Digest, error) {
	f, err := s.root.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return digest.SHA256.FromReader(f)
}

// finishImage validates the image's layers and checks them against the
// config's rootfs.diff_ids, so a layer swapped for another is caught here
// with a clear message rather than deep in storage.
func (s *spooler) finishImage(img *Image) error {
	var cfg ocispec.Image
	if err := s.readJSON(img.Config, &cfg); err != nil {
		return err
	}
	if len(cfg.RootFS.DiffIDs) != len(img.Layers) {
		return invalidf("config %s lists %d layers, the manifest %d", img.Config, len(cfg.RootFS.DiffIDs), len(img.Layers))
	}
	for i, l := range img.Layers {
		info, err := s.validateLayer(l)
		if err != nil {
			return err
		}
		if cfg.RootFS.DiffIDs[i] != info.DiffID {
			return invalidf("layer %s has diffID %s, config %s expects %s", l, info.DiffID, img.Config, cfg.RootFS.DiffIDs[i])
		}
		img.DiffIDs = append(img.DiffIDs, info.DiffID)
	}
	return nil
}

// validateLayer runs ValidateLayer on a spooled file once, however many
// images share it.
func (s *spooler) validateLayer(name string) (LayerInfo, error) {
	if info, ok := s.layers[name]; ok {
		return info, nil
	}
	f, err := s.root.Open(name)
	if err != nil {
		return LayerInfo{}, err
	}
	defer f.Close()
	info, err := s.opts.Layer.Validate(srcReader{s.ctx, f})
	if err != nil {
		return info, fmt.Errorf("layer %s: %w", name, err)
	}
	s.layers[name] = info
	return info, nil
}

// blob returns the spool path of a descriptor's blob, checking that it is
// there with the descriptor's size.
func (s *spooler) blob(d ocispec.Descriptor) (string, bool, error) {
	if err := d.Digest.Validate(); err != nil {
		return "", false, invalidWrap(err, "invalid digest %q in OCI layout", d.Digest)
	}
	p := "blobs/" + string(d.Digest.Algorithm()) + "/" + d.Digest.Encoded()
	f := s.files[p]
	if f == nil || f.kind != kindFile {
		return p, false, nil
	}
	// Spool already checked the content against the name.
	if f.size != d.Size {
		return p, true, invalidf("blob %s is %d bytes, its descriptor says %d", d.Digest, f.size, d.Size)
	}
	return p, true, nil
}

func (s *spooler) parseOCILayout(a *Archive) error {
	var layout ocispec.ImageLayout
	if err := s.readJSON("oci-layout", &layout); err != nil {
		return err
	}
	if layout.Version != ocispec.ImageLayoutVersion {
		return invalidf("unsupported OCI layout version %q", layout.Version)
	}
	s.walked = map[digest.Digest][]int{}
	var idx ocispec.Index
	if err := s.readJSON("index.json", &idx); err != nil {
		return err
	}
	for _, d := range idx.Manifests {
		var names []string
		if n := d.Annotations[annotationContainerdName]; n != "" {
			names = []string{n}
		} else if n := d.Annotations[ocispec.AnnotationRefName]; n != "" {
			names = []string{n}
		}
		if err := s.walkOCI(a, d, names, 0); err != nil {
			return err
		}
	}
	return nil
}

// walkOCI follows one descriptor of an index. index.json's own entries
// must be present; below a nested index, docker save (containerd store)
// keeps only the platforms it has, so missing children are skipped.
//
// A blob walked before only gains names: without that memo, an index that
// lists the same child index many times costs exponential time.
func (s *spooler) walkOCI(a *Archive, d ocispec.Descriptor, names []string, depth int) error {
	if imgs, ok := s.walked[d.Digest]; ok {
		for _, i := range imgs {
			a.Images[i].RepoTags = appendNew(a.Images[i].RepoTags, names...)
		}
		return nil
	}
	first := len(a.Images)
	if err := s.walkOCIOnce(a, d, names, depth); err != nil {
		return err
	}
	for i := first; i < len(a.Images); i++ {
		s.walked[d.Digest] = append(s.walked[d.Digest], i)
	}
	if _, ok := s.walked[d.Digest]; !ok {
		s.walked[d.Digest] = nil
	}
	return nil
}

// appendNew appends the names not already in list.
func appendNew(list []string, names ...string) []string {
	for _, n := range names {
		if !slices.Contains(list, n) {
			list = append(list, n)
		}
	}
	return list
}

func (s *spooler) walkOCIOnce(a *Archive, d ocispec.Descriptor, names []string, depth int) error {
	p, ok, err := s.blob(d)
	if err != nil {
		return err
	}
	if !ok {
		if depth > 0 {
			return nil
		}
		return invalidf("index.json references missing blob %s", d.Digest)
	}
	var doc struct {
		MediaType string               `json:"mediaType"`
		Manifests []ocispec.Descriptor `json:"manifests"`
		Config    *ocispec.Descriptor  `json:"config"`
		Layers    []ocispec.Descriptor `json:"layers"`
	}
	if err := s.readJSON(p, &doc); err != nil {
		return err
	}
	mt := d.MediaType
	if mt == "" {
		mt = doc.MediaType
	}
	isIndex := mt == ocispec.MediaTypeImageIndex || mt == mediaTypeDockerManifestList || (mt == "" && doc.Config == nil && doc.Manifests != nil)
	if isIndex {
		if depth >= maxIndexDepth {
			return invalidf("OCI layout nests indexes deeper than %d", maxIndexDepth)
		}
		for _, c := range doc.Manifests {
			if err := s.walkOCI(a, c, names, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if mt != ocispec.MediaTypeImageManifest && mt != mediaTypeDockerManifest && mt != "" {
		return invalidf("blob %s has unsupported media type %s", d.Digest, mt)
	}
	if doc.Config == nil {
		return invalidf("manifest %s has no config", d.Digest)
	}
	if ct := doc.Config.MediaType; ct != ocispec.MediaTypeImageConfig && ct != mediaTypeDockerConfig {
		// Not a container image: buildkit attestations (in-toto) ride along
		// in docker save's index; they are not loaded.
		if depth > 0 {
			return nil
		}
		return invalidf("manifest %s is not a container image (config media type %s)", d.Digest, ct)
	}
	cfg, ok, err := s.blob(*doc.Config)
	if err != nil {
		return err
	}
	if !ok {
		return invalidf("manifest references missing config %s", doc.Config.Digest)
	}
	img := Image{RepoTags: slices.Clone(names), Manifest: p, ManifestDigest: d.Digest, Config: cfg, ConfigDigest: doc.Config.Digest}
	if img.ConfigDigest.Algorithm() != digest.SHA256 {
		if img.ConfigDigest, err = s.sha256Of(cfg); err != nil {
			return err
		}
	}
	for _, l := range doc.Layers {
		lp, ok, err := s.blob(l)
		if err != nil {
			return err
		}
		if !ok {
			return invalidf("manifest references missing layer %s", l.Digest)
		}
		img.Layers = append(img.Layers, lp)
	}
	if err := s.finishImage(&img); err != nil {
		return err
	}
	a.Images = append(a.Images, img)
	return nil
}
