package cli

import "strings"

// commandShorts are docker's short flags of subcommands that a global flag
// already holds in skiff's kong tree (-H is --host, -c is --context), keyed
// by command path. Docker accepts global flags only before the command, so
// after the command these letters belong to it: the args are rewritten to
// the long flag before kong parses them.
var commandShorts = map[string]map[string]string{
	"history":       {"H": "human"},
	"image history": {"H": "human"},
	"import":        {"c": "change"},
	"image import":  {"c": "change"},
}

// globalValueFlags are the global flags that take a separate value.
var globalValueFlags = map[string]bool{
	"-H": true, "--host": true, "-c": true, "--context": true,
	"-l": true, "--log-level": true, "--config": true,
}

// rewriteCommandShorts turns "-H", "-H=false", "-c X" and "-cX" after a
// command that owns those letters into their long flags.
func rewriteCommandShorts(args []string) []string {
	var path []string
	i := 0
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return args
		}
		if strings.HasPrefix(a, "-") {
			if len(path) == 0 && globalValueFlags[a] {
				i++ // skip the value
			}
			continue
		}
		path = append(path, a)
		if path[0] != "image" || len(path) == 2 {
			break
		}
	}
	shorts := commandShorts[strings.Join(path, " ")]
	if shorts == nil {
		return args
	}
	out := append([]string(nil), args[:i+1]...)
	for j := i + 1; j < len(args); j++ {
		a := args[j]
		if a == "--" {
			return append(out, args[j:]...)
		}
		long, ok := "", false
		if len(a) >= 2 && a[0] == '-' && a[1] != '-' {
			long, ok = shorts[a[1:2]]
		}
		switch rest := a[min(2, len(a)):]; {
		case !ok:
			out = append(out, a)
		case rest == "":
			out = append(out, "--"+long)
		case rest[0] == '=':
			out = append(out, "--"+long+rest)
		default:
			out = append(out, "--"+long+"="+rest)
		}
	}
	return out
}
