package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/alecthomas/kong"
)

// completionCmd is `skiff completion bash|zsh|fish`.
type completionCmd struct {
	Shell string `arg:"" enum:"bash,zsh,fish" help:"Shell to generate the script for (${enum})."`
}

// Run writes the completion script for the chosen shell.
func (c *completionCmd) Run(a *app, k *kong.Context) error {
	cmds := completionTree(k.Model.Node)
	switch c.Shell {
	case "bash":
		writeBash(a.Stdout, cmds)
	case "zsh":
		writeZsh(a.Stdout, cmds)
	case "fish":
		writeFish(a.Stdout, cmds)
	}
	return nil
}

// compCmd is one command of the tree, as the scripts need it.
type compCmd struct {
	Path  string // "" for the root, "/system/dial-stdio" below it
	Name  string
	Help  string
	Subs  []*compCmd
	Flags []compFlag
	// Args are the choices of an enum positional argument.
	Args []string
	// Passthrough commands hand their arguments to another program.
	Passthrough bool
}

// compFlag is one flag of a command.
type compFlag struct {
	Long   string
	Short  rune
	Help   string
	Value  bool     // takes a value
	Values []string // the value's choices, when an enum
}

// completionTree flattens the kong model into every visible command,
// the root first, parents before their children.
func completionTree(root *kong.Node) []*compCmd {
	var out []*compCmd
	var walk func(n *kong.Node, path string) *compCmd
	walk = func(n *kong.Node, path string) *compCmd {
		c := &compCmd{Path: path, Name: n.Name, Help: n.Help, Passthrough: n.Passthrough}
		for _, f := range n.Flags {
			if f.Hidden {
				continue
			}
			cf := compFlag{Long: f.Name, Short: f.Short, Help: f.Help, Value: !f.IsBool() && !f.IsCounter()}
			if e := f.Tag.Enum; e != "" {
				for _, v := range strings.Split(e, ",") {
					cf.Values = append(cf.Values, strings.TrimSpace(v))
				}
			}
			c.Flags = append(c.Flags, cf)
		}
		for _, p := range n.Positional {
			if e := p.Tag.Enum; e != "" {
				for _, v := range strings.Split(e, ",") {
					c.Args = append(c.Args, strings.TrimSpace(v))
				}
			}
		}
		out = append(out, c)
		for _, child := range n.Children {
			if child.Type != kong.CommandNode || child.Hidden {
				continue
			}
			c.Subs = append(c.Subs, walk(child, path+"/"+child.Name))
		}
		return c
	}
	walk(root, "")
	return out
}

// words are the subcommand names and flag spellings offered after c.
func (c *compCmd) words() []string {
	var w []string
	for _, s := range c.Subs {
		w = append(w, s.Name)
	}
	w = append(w, c.Args...)
	for _, f := range c.Flags {
		w = append(w, "--"+f.Long)
		if f.Short != 0 {
			w = append(w, "-"+string(f.Short))
		}
	}
	return w
}

// enumFlags maps each flag spelling with fixed choices to those choices.
func enumFlags(cmds []*compCmd) map[string][]string {
	m := map[string][]string{}
	for _, c := range cmds {
		for _, f := range c.Flags {
			if len(f.Values) == 0 {
				continue
			}
			m["--"+f.Long] = f.Values
			if f.Short != 0 {
				m["-"+string(f.Short)] = f.Values
			}
		}
	}
	return m
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// pathPattern is a case pattern matching every command path below the root.
func pathPattern(cmds []*compCmd) string {
	var p []string
	for _, c := range cmds[1:] {
		p = append(p, shellQuote(c.Path))
	}
	return strings.Join(p, "|")
}

// shellQuote single-quotes s for sh, bash and zsh.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func writeBash(w io.Writer, cmds []*compCmd) {
	fmt.Fprint(w, `# bash completion for skiff. Load it with:
#   source <(skiff completion bash)
_skiff() {
	local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"
	local cmdpath="" word i words=""
	for ((i = 1; i < COMP_CWORD; i++)); do
		word="${COMP_WORDS[i]}"
		case "$word" in -*) continue ;; esac
		case "$cmdpath/$word" in
`)
	fmt.Fprintf(w, "\t\t%s) cmdpath=\"$cmdpath/$word\" ;;\n", pathPattern(cmds))
	fmt.Fprint(w, "\t\tesac\n\tdone\n\tcase \"$prev\" in\n")
	enums := enumFlags(cmds)
	for _, k := range sortedKeys(enums) {
		fmt.Fprintf(w, "\t%s) COMPREPLY=($(compgen -W %s -- \"$cur\")); return ;;\n", shellQuote(k), shellQuote(strings.Join(enums[k], " ")))
	}
	fmt.Fprint(w, "\tesac\n\tcase \"$cmdpath\" in\n")
	for _, c := range cmds {
		if c.Passthrough {
			fmt.Fprintf(w, "\t%s) return ;;\n", shellQuote(c.Path))
			continue
		}
		fmt.Fprintf(w, "\t%s) words=%s ;;\n", shellQuote(c.Path), shellQuote(strings.Join(c.words(), " ")))
	}
	fmt.Fprint(w, `	esac
	COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _skiff skiff
`)
}

// zshDescribe is one "word:description" entry for _describe.
func zshDescribe(word, help string) string {
	return shellQuote(strings.ReplaceAll(word, ":", `\:`) + ":" + help)
}

func writeZsh(w io.Writer, cmds []*compCmd) {
	fmt.Fprint(w, `#compdef skiff
# zsh completion for skiff. Load it with:
#   source <(skiff completion zsh)
# or save it as _skiff in a directory of $fpath.
_skiff() {
	local cmdpath="" word i
	local -a candidates
	for ((i = 2; i < CURRENT; i++)); do
		word="${words[i]}"
		[[ "$word" == -* ]] && continue
		case "$cmdpath/$word" in
`)
	fmt.Fprintf(w, "\t\t(%s) cmdpath=\"$cmdpath/$word\" ;;\n", pathPattern(cmds))
	fmt.Fprint(w, "\t\tesac\n\tdone\n\tcase \"${words[CURRENT-1]}\" in\n")
	enums := enumFlags(cmds)
	for _, k := range sortedKeys(enums) {
		var q []string
		for _, v := range enums[k] {
			q = append(q, shellQuote(v))
		}
		fmt.Fprintf(w, "\t(%s) candidates=(%s); compadd -a candidates; return ;;\n", shellQuote(k), strings.Join(q, " "))
	}
	fmt.Fprint(w, "\tesac\n\tcase \"$cmdpath\" in\n")
	for _, c := range cmds {
		if c.Passthrough {
			fmt.Fprintf(w, "\t(%s) _files; return ;;\n", shellQuote(c.Path))
			continue
		}
		var entries []string
		for _, s := range c.Subs {
			entries = append(entries, zshDescribe(s.Name, s.Help))
		}
		for _, v := range c.Args {
			entries = append(entries, zshDescribe(v, ""))
		}
		for _, f := range c.Flags {
			entries = append(entries, zshDescribe("--"+f.Long, f.Help))
			if f.Short != 0 {
				entries = append(entries, zshDescribe("-"+string(f.Short), f.Help))
			}
		}
		fmt.Fprintf(w, "\t(%s) candidates=(%s) ;;\n", shellQuote(c.Path), strings.Join(entries, " "))
	}
	fmt.Fprint(w, `	esac
	_describe -t commands 'skiff' candidates
}
if [ "$funcstack[1]" = "_skiff" ]; then
	_skiff "$@"
else
	compdef _skiff skiff
fi
`)
}

// fishQuote single-quotes s for fish, where \ and ' are escaped.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func writeFish(w io.Writer, cmds []*compCmd) {
	fmt.Fprint(w, "# fish completion for skiff. Load it with:\n#   skiff completion fish | source\ncomplete -c skiff -f\n")
	for _, c := range cmds {
		// The condition that we are right after c (and none of its subcommands).
		var cond string
		if c.Path == "" {
			cond = "__fish_use_subcommand"
		} else {
			cond = "__fish_seen_subcommand_from " + c.Name
			if len(c.Subs) > 0 {
				var names []string
				for _, s := range c.Subs {
					names = append(names, s.Name)
				}
				cond += "; and not __fish_seen_subcommand_from " + strings.Join(names, " ")
			}
		}
		for _, s := range c.Subs {
			fmt.Fprintf(w, "complete -c skiff -n %s -a %s -d %s\n", fishQuote(cond), fishQuote(s.Name), fishQuote(s.Help))
		}
		if len(c.Args) > 0 {
			fmt.Fprintf(w, "complete -c skiff -n %s -a %s\n", fishQuote(cond), fishQuote(strings.Join(c.Args, " ")))
		}
		for _, f := range c.Flags {
			line := "complete -c skiff"
			if c.Path != "" {
				line += " -n " + fishQuote("__fish_seen_subcommand_from "+c.Name)
			}
			line += " -l " + f.Long
			if f.Short != 0 {
				line += " -s " + string(f.Short)
			}
			switch {
			case len(f.Values) > 0:
				line += " -x -a " + fishQuote(strings.Join(f.Values, " "))
			case f.Value:
				line += " -r -F"
			}
			fmt.Fprintln(w, line+" -d "+fishQuote(f.Help))
		}
	}
}
