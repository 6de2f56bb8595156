package cli

import (
	"slices"
	"strings"

	"github.com/alecthomas/kong"
)

// commandShorts are docker's short flags of subcommands that a global flag
// (-H --host, -c --context, -l --log-level, -v --version) or kong's -h
// help already holds in skiff's kong tree, keyed by command path. Docker
// accepts global flags only before the command, so after the command these
// letters belong to it: the args are rewritten to the long flag before
// kong parses them.
var commandShorts = map[string]map[string]string{
	"history":       {"H": "human"},
	"image history": {"H": "human"},
	"import":        {"c": "change"},
	"image import":  {"c": "change"},
}

// containerShorts are the rewritten shorts of the container commands,
// added to commandShorts under both spellings (`run`, `container run`).
var containerShorts = map[string]map[string]string{
	"run":    {"c": "cpu-shares", "h": "hostname", "l": "label", "v": "volume"},
	"create": {"c": "cpu-shares", "h": "hostname", "l": "label", "v": "volume"},
	"ps":     {"l": "latest"},
	"rm":     {"l": "link", "v": "volumes"},
	"update": {"c": "cpu-shares"},
	"commit": {"c": "change"},
}

// stopAtArgCommands stop parsing flags at their first argument (the
// image), as docker's run and create do: what follows is the command.
var stopAtArgCommands = map[string]bool{"run": true, "create": true}

func init() {
	for cmd, shorts := range containerShorts {
		commandShorts[cmd] = shorts
		commandShorts["container "+cmd] = shorts
	}
	for _, alias := range []string{"ls", "list"} {
		commandShorts["container "+alias] = containerShorts["ps"]
	}
	commandShorts["container remove"] = containerShorts["rm"]
}

// globalValueFlags are the global flags that take a separate value.
var globalValueFlags = map[string]bool{
	"-H": true, "--host": true, "-c": true, "--context": true,
	"-l": true, "--log-level": true, "--config": true,
}

// rewriteCommandShorts turns "-H", "-H=false", "-c X" and "-cX" after a
// command that owns those letters into their long flags.
func rewriteCommandShorts(args []string) []string { return rewriteShorts(args, nil) }

// rewriteShorts is rewriteCommandShorts knowing the command tree, which
// tells which flags take a value: for `run` and `create` the rewriting
// stops at the image, so the container's own command keeps its flags.
func rewriteShorts(args []string, root *kong.Node) []string {
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
		if (path[0] != "image" && path[0] != "container" && path[0] != "network") || len(path) == 2 {
			break
		}
	}
	shorts := commandShorts[strings.Join(path, " ")]
	if shorts == nil {
		return args
	}
	r := shortRewriter{shorts: shorts, node: findCommand(root, path)}
	stopAtArg := stopAtArgCommands[path[len(path)-1]]
	out := append([]string(nil), args[:i+1]...)
	for j := i + 1; j < len(args); j++ {
		a := args[j]
		switch {
		case a == "--" || (stopAtArg && (a == "-" || !strings.HasPrefix(a, "-"))):
			return append(out, args[j:]...)
		case strings.HasPrefix(a, "--"):
			if strings.Contains(a, "=") || !r.takesValue(a[2:]) || j+1 == len(args) {
				out = append(out, a)
				continue
			}
			// A value of its own, even one like "-1" (--memory-swap -1)
			// that kong would take for a flag.
			j++
			if strings.HasPrefix(args[j], "-") {
				out = append(out, a+"="+args[j])
			} else {
				out = append(out, a, args[j])
			}
		case len(a) > 1 && a[0] == '-':
			words, needsValue := r.short(a[1:])
			out = append(out, words...)
			if stopAtArg && needsValue && j+1 < len(args) {
				j++
				out = append(out, args[j])
			}
		default:
			out = append(out, a)
		}
	}
	return out
}

// shortRewriter rewrites the short flags of one command.
type shortRewriter struct {
	shorts map[string]string
	node   *kong.Node // nil when the tree is unknown
}

// short rewrites one cluster of short flags ("it", "cENV=x", "dv/x:/y")
// and says whether the next argument is the value of its last flag.
func (r shortRewriter) short(s string) (words []string, needsValue bool) {
	prefix := ""
	for k := 0; k < len(s); k++ {
		ch, rest := s[k:k+1], s[k+1:]
		long, ok := r.shorts[ch]
		if !ok {
			if r.shortTakesValue(ch) {
				return append(words, "-"+prefix+s[k:]), rest == ""
			}
			prefix += ch
			continue
		}
		if prefix != "" {
			words = append(words, "-"+prefix)
			prefix = ""
		}
		switch {
		case rest == "":
			return append(words, "--"+long), r.takesValue(long)
		case rest[0] == '=' || r.node == nil || r.takesValue(long):
			return append(words, "--"+long+"="+strings.TrimPrefix(rest, "=")), false
		}
		words = append(words, "--"+long) // a bool; more flags follow
	}
	if prefix != "" {
		words = append(words, "-"+prefix)
	}
	return words, false
}

// takesValue says whether the long flag takes a value; unknown flags and
// an unknown tree say no.
func (r shortRewriter) takesValue(long string) bool {
	long, _, _ = strings.Cut(long, "=")
	if f := r.flag(func(f *kong.Flag) bool { return f.Name == long }); f != nil {
		return !f.IsBool() && !f.IsCounter()
	}
	return false
}

func (r shortRewriter) shortTakesValue(ch string) bool {
	if f := r.flag(func(f *kong.Flag) bool { return string(f.Short) == ch }); f != nil {
		return !f.IsBool() && !f.IsCounter()
	}
	return false
}

func (r shortRewriter) flag(match func(*kong.Flag) bool) *kong.Flag {
	if r.node == nil {
		return nil
	}
	for _, group := range r.node.AllFlags(false) {
		for _, f := range group {
			if match(f) {
				return f
			}
		}
	}
	return nil
}

// findCommand is the node of the command path names (by name or alias).
func findCommand(root *kong.Node, path []string) *kong.Node {
	n := root
	for _, name := range path {
		if n == nil {
			return nil
		}
		var next *kong.Node
		for _, c := range n.Children {
			if c.Type == kong.CommandNode && (c.Name == name || slices.Contains(c.Aliases, name)) {
				next = c
				break
			}
		}
		n = next
	}
	return n
}
