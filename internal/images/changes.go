package images

import (
	"encoding/json"
	"fmt"
	"strings"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// applyChanges applies `docker import --change` instructions to an image
// config. Docker allows CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME,
// WORKDIR and STOPSIGNAL here (plus ONBUILD and HEALTHCHECK, which the OCI
// config cannot carry: those are refused rather than dropped). This small
// parser covers the forms those instructions take; the Dockerfile parser
// arrives with the builder.
func applyChanges(cfg *ocispec.ImageConfig, changes []string) error {
	for _, ch := range changes {
		ch = strings.TrimSpace(ch)
		if ch == "" {
			continue
		}
		instr, rest, _ := strings.Cut(ch, " ")
		rest = strings.TrimSpace(rest)
		switch strings.ToUpper(instr) {
		case "CMD":
			cfg.Cmd = commandForm(rest)
		case "ENTRYPOINT":
			cfg.Entrypoint = commandForm(rest)
		case "ENV":
			kv, err := keyValues(rest, true)
			if err != nil {
				return changeError(ch, err)
			}
			for _, p := range kv {
				cfg.Env = setEnv(cfg.Env, p[0], p[1])
			}
		case "LABEL":
			kv, err := keyValues(rest, false)
			if err != nil {
				return changeError(ch, err)
			}
			if cfg.Labels == nil {
				cfg.Labels = map[string]string{}
			}
			for _, p := range kv {
				cfg.Labels[p[0]] = p[1]
			}
		case "EXPOSE":
			words, err := splitWords(rest)
			if err != nil {
				return changeError(ch, err)
			}
			if cfg.ExposedPorts == nil {
				cfg.ExposedPorts = map[string]struct{}{}
			}
			for _, p := range words {
				if !strings.Contains(p, "/") {
					p += "/tcp"
				}
				cfg.ExposedPorts[p] = struct{}{}
			}
		case "VOLUME":
			vols := jsonArray(rest)
			if vols == nil {
				var err error
				if vols, err = splitWords(rest); err != nil {
					return changeError(ch, err)
				}
			}
			if cfg.Volumes == nil {
				cfg.Volumes = map[string]struct{}{}
			}
			for _, v := range vols {
				cfg.Volumes[v] = struct{}{}
			}
		case "USER":
			cfg.User = rest
		case "WORKDIR":
			cfg.WorkingDir = rest
		case "STOPSIGNAL":
			cfg.StopSignal = rest
		case "ONBUILD", "HEALTHCHECK":
			return errInvalid(fmt.Sprintf("%s is not supported by skiff's import yet", strings.ToUpper(instr)))
		default:
			return errInvalid(fmt.Sprintf("%s is not a valid change command", instr))
		}
	}
	return nil
}

func changeError(change string, err error) error {
	return errInvalid(fmt.Sprintf("invalid change %q: %v", change, err))
}

// commandForm is the exec form (a JSON array) or, otherwise, the shell form.
func commandForm(s string) []string {
	if arr := jsonArray(s); arr != nil {
		return arr
	}
	return []string{"/bin/sh", "-c", s}
}

func jsonArray(s string) []string {
	if !strings.HasPrefix(s, "[") {
		return nil
	}
	var arr []string
	if json.Unmarshal([]byte(s), &arr) != nil {
		return nil
	}
	return arr
}

// keyValues reads "k=v k2='v 2'" or, for ENV's legacy form, "k value".
func keyValues(s string, legacy bool) ([][2]string, error) {
	words, err := splitWords(s)
	if err != nil {
		return nil, err
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("missing key")
	}
	if legacy && !strings.Contains(words[0], "=") {
		k, v, _ := strings.Cut(s, " ")
		return [][2]string{{k, strings.TrimSpace(v)}}, nil
	}
	var out [][2]string
	for _, w := range words {
		k, v, ok := strings.Cut(w, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%q is not key=value", w)
		}
		out = append(out, [2]string{k, v})
	}
	return out, nil
}

// splitWords splits on blanks, honouring single and double quotes and
// backslash escapes, as the Dockerfile parser does for these instructions.
func splitWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	escaped := false
	for _, r := range s {
		switch {
		case escaped:
			cur.WriteRune(r)
			escaped = false
		case r == '\\' && quote != '\'':
			escaped = true
			inWord = true
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote = r
			inWord = true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated quote")
	}
	if escaped {
		return nil, fmt.Errorf("trailing backslash")
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

func setEnv(env []string, k, v string) []string {
	for i, e := range env {
		if strings.HasPrefix(e, k+"=") {
			env[i] = k + "=" + v
			return env
		}
	}
	return append(env, k+"="+v)
}
