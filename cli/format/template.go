// Package format renders command output through Go templates the way the
// docker CLI does: --format accepts a template, the "json" shorthand, or a
// "table" template whose columns are aligned with a tabwriter.
package format

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"text/template"
	"unicode"
	"unicode/utf8"
)

// Funcs are the helpers available in every --format template, with the
// names and behaviour docker's templates give them.
var Funcs = template.FuncMap{
	"json":     jsonString,
	"split":    strings.Split,
	"join":     strings.Join,
	"title":    title,
	"lower":    strings.ToLower,
	"upper":    strings.ToUpper,
	"pad":      pad,
	"truncate": truncate,
	"println":  fmt.Sprintln,
}

// Parse compiles a template with Funcs. The text is used as is; callers that
// take a user's --format go through New, which handles the json and table
// forms and escaped tabs first.
func Parse(text string) (*template.Template, error) {
	return template.New("").Funcs(Funcs).Parse(text)
}

// jsonString marshals v without HTML escaping and without the encoder's
// trailing newline, so that {{json .}} prints what the API sent.
func jsonString(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSpace(buf.String()), nil
}

// title upper-cases the first letter of each space-separated word.
func title(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		if up && unicode.IsLetter(r) {
			r = unicode.ToUpper(r)
		}
		up = unicode.IsSpace(r)
		b.WriteRune(r)
	}
	return b.String()
}

// pad surrounds a non-empty s with the given numbers of spaces.
func pad(s string, prefix, suffix int) string {
	if s == "" {
		return s
	}
	return strings.Repeat(" ", max(prefix, 0)) + s + strings.Repeat(" ", max(suffix, 0))
}

// truncate keeps the first n characters of s (counted in runes, so that a
// multi-byte character is never cut in half).
func truncate(s string, n int) string {
	if n < 0 || utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
