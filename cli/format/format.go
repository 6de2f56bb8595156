package format

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"text/template"
)

const (
	// JSON is the --format shorthand that prints each item as one JSON line.
	JSON = "json"
	// TablePrefix starts a --format whose output is a table with a header row.
	TablePrefix = "table"
)

// Format is a user's --format value.
type Format string

// IsJSON reports whether f is the json shorthand.
func (f Format) IsJSON() bool { return strings.TrimSpace(string(f)) == JSON }

// IsTable reports whether f asks for a table ("table" alone or "table <template>").
func (f Format) IsTable() bool {
	s := strings.TrimSpace(string(f))
	return s == TablePrefix || strings.HasPrefix(s, TablePrefix+" ")
}

// Template returns the template text that f stands for: def when f is empty
// or the bare "table", {{json .}} for json, and otherwise f without its table
// prefix, with the escapes \t and \n turned into a tab and a newline.
func (f Format) Template(def string) string {
	s := strings.TrimSpace(string(f))
	switch {
	case s == "" || s == TablePrefix:
		s = def
	case s == JSON:
		return "{{json .}}"
	case f.IsTable():
		s = strings.TrimSpace(s[len(TablePrefix):])
	}
	return strings.NewReplacer(`\t`, "\t", `\n`, "\n").Replace(s)
}

// Writer renders items through one --format.
type Writer struct {
	out    io.Writer
	tmpl   *template.Template
	table  bool
	tw     *tabwriter.Writer
	header any
}

// New prepares a Writer for f. def is the template used when f is empty or
// "table"; table says whether that default is a table. header is executed
// with the template once before the first item when the output is a table:
// a map[string]string from field name to column title fits {{.Field}}.
func New(out io.Writer, f Format, def string, table bool, header any) (*Writer, error) {
	text := f.Template(def)
	tmpl, err := Parse(text)
	if err != nil {
		return nil, fmt.Errorf("template parsing error: %w", err)
	}
	w := &Writer{out: out, tmpl: tmpl, header: header}
	switch {
	case f.IsTable():
		w.table = true
	case strings.TrimSpace(string(f)) == "":
		w.table = table
	}
	if w.table {
		w.tw = tabwriter.NewWriter(out, 10, 1, 3, ' ', 0)
		w.out = w.tw
		if header != nil {
			if err := w.exec(header); err != nil {
				return nil, err
			}
		}
	}
	return w, nil
}

// Write renders one item followed by a newline.
func (w *Writer) Write(item any) error { return w.exec(item) }

func (w *Writer) exec(v any) error {
	var buf bytes.Buffer
	if err := w.tmpl.Execute(&buf, v); err != nil {
		return fmt.Errorf("template parsing error: %w", err)
	}
	buf.WriteByte('\n')
	_, err := w.out.Write(buf.Bytes())
	return err
}

// Flush aligns and writes out a table; it is a no-op for other formats.
func (w *Writer) Flush() error {
	if w.tw != nil {
		return w.tw.Flush()
	}
	return nil
}

// Execute renders one value through f (or def when f is empty) and adds a
// newline, as `docker version --format` and `docker info --format` do.
// Tabs in the output are aligned as a table.
func Execute(out io.Writer, f Format, def string, v any) error {
	w, err := New(out, f, def, f.IsTable(), nil)
	if err != nil {
		return err
	}
	if err := w.Write(v); err != nil {
		return err
	}
	return w.Flush()
}
