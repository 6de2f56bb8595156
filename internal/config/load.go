package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"sort"
	"strings"
)

// Load reads daemon.json at path over Defaults and validates the result.
// A missing file is not an error (defaults apply); an empty file is fine.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Defaults(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading daemon configuration: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes daemon.json contents over Defaults and validates them.
// name prefixes error messages (normally the file's path).
func Parse(name string, data []byte) (*Config, error) {
	c := Defaults()
	// Windows editors write a UTF-8 byte order mark; Docker accepts it too.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		c.file = map[string]json.RawMessage{}
		return c, nil
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, jsonError(name, data, err)
	}
	set, err := flatten(top)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := json.Unmarshal(data, c); err != nil {
		if key := failingKey(top); key != "" {
			// Our own UnmarshalJSON errors carry no field name: add it.
			return nil, fmt.Errorf("%s: %s: %v", name, key, err)
		}
		return nil, jsonError(name, data, err)
	}
	c.file = set
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}

// flatten lists the directives the file sets, flattening nestedKeys as
// Docker does, and rejects keys that neither Docker nor skiff knows.
func flatten(top map[string]json.RawMessage) (map[string]json.RawMessage, error) {
	known := knownKeys()
	set := map[string]json.RawMessage{}
	var unknown []string
	for k, v := range top {
		if nestedKeys[k] {
			var sub map[string]json.RawMessage
			if err := json.Unmarshal(v, &sub); err != nil {
				return nil, fmt.Errorf("%s must be an object", k)
			}
			for sk, sv := range sub {
				if !known[k+"."+sk] {
					unknown = append(unknown, sk)
					continue
				}
				set[sk] = sv
			}
			continue
		}
		if !known[k] && !dockerOnlyKeys[k] {
			unknown = append(unknown, k)
			continue
		}
		set[k] = v
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		// Docker's wording, so people searching for it find the answer.
		return nil, fmt.Errorf("the following directives don't match any configuration option: %s", strings.Join(unknown, ", "))
	}
	return set, nil
}

// failingKey names the first top-level key whose value does not decode
// into its field, for errors that the json package reports without one.
func failingKey(top map[string]json.RawMessage) string {
	keys := make([]string, 0, len(top))
	for k := range top {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f, ok := fieldByKey(reflect.ValueOf(&Config{}).Elem(), k)
		if !ok {
			continue
		}
		var typ *json.UnmarshalTypeError
		if err := json.Unmarshal(top[k], f.Addr().Interface()); err != nil && !errors.As(err, &typ) {
			return k
		}
	}
	return ""
}

// jsonError turns a decoding error into one naming the line and column.
func jsonError(name string, data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := position(data, syn.Offset)
		return fmt.Errorf("%s: invalid JSON at line %d, column %d: %v", name, line, col, syn)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return fmt.Errorf("%s: the top level must be a JSON object, not %s", name, typ.Value)
		}
		line, col := position(data, typ.Offset)
		return fmt.Errorf("%s: invalid value at line %d, column %d: %s must be %s, not %s", name, line, col, typ.Field, typ.Type, typ.Value)
	default:
		// Errors from our own UnmarshalJSON methods carry no offset.
		return fmt.Errorf("%s: %v", name, err)
	}
}

// position converts the offset of a json error (bytes read so far, so the
// offending byte is the one before it) into a 1-based line and column.
func position(data []byte, offset int64) (line, col int) {
	off := int(offset) - 1
	if off < 0 {
		off = 0
	}
	if off > len(data) {
		off = len(data)
	}
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = off - bytes.LastIndexByte(before, '\n')
	return line, col
}

// Unused lists the daemon.json keys that Docker knows but skiff ignores,
// sorted, so the daemon can warn that they have no effect.
func (c *Config) Unused() []string {
	var out []string
	for k := range c.file {
		if dockerOnlyKeys[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// InFile reports whether daemon.json set the key (Docker's name; proxies
// members by their own names, e.g. "http-proxy").
func (c *Config) InFile(key string) bool {
	_, ok := c.file[key]
	return ok
}

// knownKeys are the keys that Config has fields for; members of nested
// objects appear as "parent.member".
func knownKeys() map[string]bool {
	m := map[string]bool{}
	t := reflect.TypeFor[Config]()
	for i := range t.NumField() {
		f := t.Field(i)
		name := jsonName(f)
		if name == "" {
			continue
		}
		m[name] = true
		if nestedKeys[name] {
			for j := range f.Type.NumField() {
				if sub := jsonName(f.Type.Field(j)); sub != "" {
					m[name+"."+sub] = true
				}
			}
		}
	}
	return m
}

func jsonName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "-" {
		return ""
	}
	return name
}
