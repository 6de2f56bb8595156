package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/skiff-engine/skiff/cli/format"
)

// inspectFunc fetches one object for an inspect command: the typed value
// that --format templates see first, and the JSON the daemon sent.
type inspectFunc func(ref string) (typed any, raw []byte, err error)

// inspectObjects prints the objects refs name as docker's inspect commands
// do: by default one JSON array indented by four spaces, "json" for a
// compact one, or a Go template per object (read from the raw JSON when
// the typed value lacks a field). Objects that fail are reported after
// the others, and make the exit status 1.
func inspectObjects(out io.Writer, refs []string, tmpl string, get inspectFunc) error {
	var t interface {
		Execute(io.Writer, any) error
	}
	var raw func(dst *bytes.Buffer, src []byte) error
	switch tmpl {
	case "":
		raw = func(dst *bytes.Buffer, src []byte) error { return json.Indent(dst, src, "", "    ") }
	case format.JSON:
		raw = json.Compact
	default:
		parsed, err := format.Parse(tmpl)
		if err != nil {
			return statusError{Code: 64, Msg: fmt.Sprintf("template parsing error: %v", err)}
		}
		t = parsed
	}
	var (
		errs     []error
		elements [][]byte
		buf      bytes.Buffer
	)
	for _, ref := range refs {
		typed, rawJSON, err := get(ref)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if t == nil {
			elements = append(elements, bytes.TrimSpace(rawJSON))
			continue
		}
		if err := executeInspect(&buf, tmpl, t, typed, rawJSON); err != nil {
			errs = append(errs, err)
		}
	}
	if t == nil {
		src := append([]byte("["), bytes.Join(elements, []byte(","))...)
		src = append(src, ']')
		if err := raw(&buf, src); err != nil {
			return err
		}
		buf.WriteByte('\n')
	} else if buf.Len() == 0 {
		buf.WriteByte('\n')
	}
	if _, err := buf.WriteTo(out); err != nil {
		return err
	}
	if err := errors.Join(errs...); err != nil {
		return statusError{Code: 1, Msg: err.Error()}
	}
	return nil
}

// executeInspect renders one object; a template that fails on the typed
// value is tried on the raw JSON, where a missing key is an error.
func executeInspect(out *bytes.Buffer, tmpl string, t interface{ Execute(io.Writer, any) error }, typed any, raw []byte) error {
	var b bytes.Buffer
	if err := t.Execute(&b, typed); err != nil {
		if raw == nil {
			return fmt.Errorf("template parsing error: %w", err)
		}
		var v any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("unable to read inspect data: %w", err)
		}
		strict, err := format.Parse(tmpl)
		if err != nil {
			return fmt.Errorf("template parsing error: %w", err)
		}
		b.Reset()
		if err := strict.Option("missingkey=error").Execute(&b, v); err != nil {
			return fmt.Errorf("template parsing error: %w", err)
		}
	}
	out.Write(b.Bytes())
	out.WriteByte('\n')
	return nil
}
