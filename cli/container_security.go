package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// parseSecurityOpts checks --security-opt values as docker does and reads
// a seccomp profile named by path: the daemon gets "seccomp=<the profile's
// JSON, compacted>", never a path on the client's machine. The built-in
// names "builtin" and "unconfined" pass unchanged. "systempaths=unconfined"
// is not sent as such: it empties the masked and read-only path lists.
func parseSecurityOpts(values []string) (opts, masked, readonly []string, err error) {
	for _, opt := range values {
		k, v, ok := strings.Cut(opt, "=")
		if !ok && k != "no-new-privileges" {
			k, v, ok = strings.Cut(opt, ":")
		}
		if (!ok || v == "") && k != "no-new-privileges" {
			return nil, nil, nil, fmt.Errorf("invalid --security-opt: %q", opt)
		}
		switch {
		case opt == "systempaths=unconfined":
			masked, readonly = []string{}, []string{}
			continue
		case k == "seccomp" && v != "builtin" && v != "unconfined":
			f, err := os.ReadFile(v)
			if err != nil {
				return nil, nil, nil, fmt.Errorf("opening seccomp profile (%s) failed: %w", v, err)
			}
			var b bytes.Buffer
			if err := json.Compact(&b, f); err != nil {
				return nil, nil, nil, fmt.Errorf("compacting json for seccomp profile (%s) failed: %w", v, err)
			}
			opt = "seccomp=" + b.String()
		}
		opts = append(opts, opt)
	}
	return opts, masked, readonly, nil
}
