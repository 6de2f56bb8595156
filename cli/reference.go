package cli

import (
	"errors"

	"github.com/distribution/reference"
)

// errTagWithAll is docker's message for `pull -a`/`push -a` given a tag.
var errTagWithAll = errors.New("tag can't be used with --all-tags/-a")

// normalizeRemote parses NAME[:TAG|@DIGEST] as `docker pull` and `docker
// push` do: short names are Docker Hub's ("busybox" is
// docker.io/library/busybox), and a name without tag or digest gets
// "latest" unless all tags are asked for. defaulted reports that the tag
// was added.
func normalizeRemote(s string, all bool) (ref reference.Named, defaulted bool, err error) {
	ref, err = reference.ParseNormalizedNamed(s)
	switch {
	case err != nil:
		return nil, false, err
	case all && !reference.IsNameOnly(ref):
		return nil, false, errTagWithAll
	case !all && reference.IsNameOnly(ref):
		return reference.TagNameOnly(ref), true, nil
	}
	return ref, false, nil
}
