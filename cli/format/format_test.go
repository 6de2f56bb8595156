package format

import (
	"bytes"
	"strings"
	"testing"
)

func TestFuncs(t *testing.T) {
	data := map[string]any{
		"S":    "hello world",
		"L":    []string{"a", "b", "c"},
		"HTML": "<a&b>",
		"M":    map[string]int{"x": 1},
		"E":    "",
		"U":    "héllo",
	}
	tests := []struct {
		name, tmpl, want string
	}{
		{"json string no html escape", `{{json .HTML}}`, `"<a&b>"`},
		{"json map", `{{json .M}}`, `{"x":1}`},
		{"join", `{{join .L ","}}`, "a,b,c"},
		{"split", `{{index (split .S " ") 1}}`, "world"},
		{"title", `{{title .S}}`, "Hello World"},
		{"lower", `{{lower "ABC"}}`, "abc"},
		{"upper", `{{upper .S}}`, "HELLO WORLD"},
		{"truncate", `{{truncate .S 5}}`, "hello"},
		{"truncate longer than string", `{{truncate .S 50}}`, "hello world"},
		{"truncate runes", `{{truncate .U 2}}`, "hé"},
		{"pad", `{{pad .S 2 1}}|`, "  hello world |"},
		{"pad empty", `{{pad .E 2 1}}|`, "|"},
		{"println", `{{println .S}}`, "hello world\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := Parse(tt.tmpl)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := tmpl.Execute(&buf, data); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFormatTemplate(t *testing.T) {
	const def = "{{.A}}\t{{.B}}"
	tests := []struct {
		f         Format
		want      string
		table, js bool
	}{
		{"", def, false, false},
		{"table", def, true, false},
		{"table {{.A}}", "{{.A}}", true, false},
		{`table {{.A}}\t{{.B}}`, "{{.A}}\t{{.B}}", true, false},
		{"json", "{{json .}}", false, true},
		{" json ", "{{json .}}", false, true},
		{"{{.A}}", "{{.A}}", false, false},
		{`{{.A}}\n`, "{{.A}}\n", false, false},
		{"tablets {{.A}}", "tablets {{.A}}", false, false},
	}
	for _, tt := range tests {
		if got := tt.f.Template(def); got != tt.want {
			t.Errorf("%q.Template = %q, want %q", tt.f, got, tt.want)
		}
		if tt.f.IsTable() != tt.table {
			t.Errorf("%q.IsTable = %v", tt.f, !tt.table)
		}
		if tt.f.IsJSON() != tt.js {
			t.Errorf("%q.IsJSON = %v", tt.f, !tt.js)
		}
	}
}

type row struct{ ID, Name string }

func TestWriter(t *testing.T) {
	header := map[string]string{"ID": "CONTAINER ID", "Name": "NAMES"}
	rows := []row{{"abc", "first"}, {"defghijklmnop", "second"}}
	const def = "{{.ID}}\t{{.Name}}"
	tests := []struct {
		name         string
		f            Format
		defaultTable bool
		want         string
	}{
		{"default table", "", true, "CONTAINER ID    NAMES\nabc             first\ndefghijklmnop   second\n"},
		{"explicit table", `table {{.Name}}\t{{.ID}}`, false, "NAMES     CONTAINER ID\nfirst     abc\nsecond    defghijklmnop\n"},
		{"bare table uses default", "table", false, "CONTAINER ID    NAMES\nabc             first\ndefghijklmnop   second\n"},
		{"plain template", "{{.Name}}", true, "first\nsecond\n"},
		{"json", "json", true, `{"ID":"abc","Name":"first"}` + "\n" + `{"ID":"defghijklmnop","Name":"second"}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w, err := New(&buf, tt.f, def, tt.defaultTable, header)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				if err := w.Write(r); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestParseError(t *testing.T) {
	var buf bytes.Buffer
	_, err := New(&buf, "{{.ID", "", false, nil)
	if err == nil || !strings.Contains(err.Error(), "template parsing error") {
		t.Fatalf("want template parsing error, got %v", err)
	}
}

func TestExecute(t *testing.T) {
	var buf bytes.Buffer
	v := struct{ Server struct{ Version string } }{}
	v.Server.Version = "1.2.3"
	if err := Execute(&buf, "{{.Server.Version}}", "unused", v); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "1.2.3\n" {
		t.Fatalf("got %q", buf.String())
	}
}
