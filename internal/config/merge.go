package config

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// Merge copies into c (loaded from daemon.json) the fields of flags whose
// keys are in set: flags override defaults and the file. A key set both by
// flag and in the file is an error naming every such key, as dockerd does,
// since silently picking one hides a mistake. Keys are daemon.json names;
// dockerd's singular flag names (label, dns-opt, …) are accepted too.
// The merged configuration is validated.
func (c *Config) Merge(flags *Config, set map[string]bool) error {
	dst := reflect.ValueOf(c).Elem()
	src := reflect.ValueOf(flags).Elem()
	keys := make([]string, 0, len(set))
	for k, on := range set {
		if on {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var conflicts, unknown []string
	type copyOp struct{ dst, src reflect.Value }
	var ops []copyOp
	for _, k := range keys {
		key := k
		if a, ok := flagAliases[k]; ok {
			key = a
		}
		d, ok1 := fieldByKey(dst, key)
		s, ok2 := fieldByKey(src, key)
		if !ok1 || !ok2 {
			unknown = append(unknown, k)
			continue
		}
		if raw, inFile := c.file[key]; inFile {
			conflicts = append(conflicts, fmt.Sprintf("%s: (from flag: %v, from file: %v)", key, show(s), showRaw(raw)))
			continue
		}
		ops = append(ops, copyOp{d, s})
	}
	if len(unknown) > 0 {
		return fmt.Errorf("unknown configuration flags: %s", strings.Join(unknown, ", "))
	}
	if len(conflicts) > 0 {
		return fmt.Errorf("the following directives are specified both as a flag and in the configuration file: %s", strings.Join(conflicts, ", "))
	}
	for _, op := range ops {
		op.dst.Set(op.src)
	}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("merged configuration from file and command line flags is invalid: %w", err)
	}
	return nil
}

// fieldByKey finds the field of a Config value named key in daemon.json,
// looking inside nestedKeys objects for their flattened members.
func fieldByKey(v reflect.Value, key string) (reflect.Value, bool) {
	t := v.Type()
	for i := range t.NumField() {
		name := jsonName(t.Field(i))
		if name == "" {
			continue
		}
		if nestedKeys[name] {
			if f, ok := fieldByKey(v.Field(i), key); ok {
				return f, true
			}
			continue
		}
		if name == key {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

func show(v reflect.Value) string {
	if v.Kind() == reflect.Slice || v.Kind() == reflect.Map || v.Kind() == reflect.Struct {
		b, err := json.Marshal(v.Interface())
		if err == nil {
			return string(b)
		}
	}
	return fmt.Sprint(v.Interface())
}

func showRaw(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}
