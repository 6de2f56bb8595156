// Package filters parses and evaluates the `filters` query parameter of the
// Docker Engine API: a JSON object mapping a filter name to a set of values.
package filters

import (
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// Args is a parsed `filters` parameter: each key holds a set of values.
// The zero value is an empty, usable filter set.
type Args struct {
	fields map[string]map[string]bool
}

// KeyValuePair is one key/value to seed NewArgs with.
type KeyValuePair struct {
	Key   string
	Value string
}

// Arg returns a KeyValuePair for NewArgs.
func Arg(key, value string) KeyValuePair {
	return KeyValuePair{Key: key, Value: value}
}

// NewArgs returns Args holding the given pairs.
func NewArgs(pairs ...KeyValuePair) Args {
	a := Args{fields: map[string]map[string]bool{}}
	for _, p := range pairs {
		a.Add(p.Key, p.Value)
	}
	return a
}

// Parse decodes the `filters` query parameter. It accepts the current form
// {"label":{"a=b":true}} and the legacy form {"label":["a=b"]} that old
// clients (API < 1.22, and docker-py for some calls) still send. An empty
// string means no filters. Anything else is an InvalidParameter error.
func Parse(s string) (Args, error) {
	a := NewArgs()
	if s == "" {
		return a, nil
	}
	raw := []byte(s)

	var current map[string]map[string]bool
	if err := json.Unmarshal(raw, &current); err == nil {
		for k, vs := range current {
			set := make(map[string]bool, len(vs))
			for v, on := range vs {
				// {"v": false} is how a client would switch a value off; moby
				// keeps it, but then ExactMatch would treat it as "no filter".
				if on {
					set[v] = true
				}
			}
			a.fields[k] = set
		}
		return a, nil
	}

	var legacy map[string][]string
	if err := json.Unmarshal(raw, &legacy); err != nil {
		return NewArgs(), &invalidFilter{}
	}
	for k, vs := range legacy {
		set := make(map[string]bool, len(vs))
		for _, v := range vs {
			set[v] = true
		}
		a.fields[k] = set
	}
	return a, nil
}

// MarshalJSON encodes Args in the current wire form.
func (a Args) MarshalJSON() ([]byte, error) {
	if len(a.fields) == 0 {
		return []byte("{}"), nil
	}
	return json.Marshal(a.fields)
}

// Add puts value into the set at key.
func (a *Args) Add(key, value string) {
	if a.fields == nil {
		a.fields = map[string]map[string]bool{}
	}
	set := a.fields[key]
	if set == nil {
		set = map[string]bool{}
		a.fields[key] = set
	}
	set[value] = true
}

// Keys returns the filter names present, sorted.
func (a Args) Keys() []string {
	return slices.Sorted(maps.Keys(a.fields))
}

// Get returns the values at key, sorted; an empty slice when there are none.
func (a Args) Get(key string) []string {
	// Non-nil so a caller can encode it as [] rather than null.
	out := make([]string, 0, len(a.fields[key]))
	out = slices.AppendSeq(out, maps.Keys(a.fields[key]))
	slices.Sort(out)
	return out
}

// Contains reports whether key is present, even with no values.
func (a Args) Contains(key string) bool {
	_, ok := a.fields[key]
	return ok
}

// Len returns the number of keys.
func (a Args) Len() int {
	return len(a.fields)
}

// ExactMatch reports whether source is one of the values at key. A key with
// no values does not filter, so it matches everything.
func (a Args) ExactMatch(key, source string) bool {
	set := a.fields[key]
	if len(set) == 0 {
		return true
	}
	return set[source]
}

// UniqueExactMatch is ExactMatch that also requires exactly one value at key.
func (a Args) UniqueExactMatch(key, source string) bool {
	set := a.fields[key]
	if len(set) == 0 {
		return true
	}
	return len(set) == 1 && set[source]
}

// Match reports whether source equals one of the values at key or matches
// it as an (unanchored) regular expression, as `docker ps --filter name=`
// does. Values that are not valid expressions only match exactly.
func (a Args) Match(key, source string) bool {
	if a.ExactMatch(key, source) {
		return true
	}
	for v := range a.fields[key] {
		re, err := regexp.Compile(v)
		if err != nil {
			continue
		}
		if re.MatchString(source) {
			return true
		}
	}
	return false
}

// FuzzyMatch reports whether source equals one of the values at key or
// starts with one of them, so a short ID prefix selects its object.
func (a Args) FuzzyMatch(key, source string) bool {
	if a.ExactMatch(key, source) {
		return true
	}
	for v := range a.fields[key] {
		if strings.HasPrefix(source, v) {
			return true
		}
	}
	return false
}

// MatchKVList evaluates label-style values at key against sources: every
// value must hold, where `k` requires the key k, `k=v` requires k with value
// v, and `k!=v` requires k to be absent or to hold another value. A key
// with no values matches everything.
func (a Args) MatchKVList(key string, sources map[string]string) bool {
	for v := range a.fields[key] {
		if k, want, ok := strings.Cut(v, "!="); ok {
			if got, present := sources[k]; present && got == want {
				return false
			}
			continue
		}
		k, want, hasValue := strings.Cut(v, "=")
		got, present := sources[k]
		if !present || (hasValue && got != want) {
			return false
		}
	}
	return true
}

// GetBoolOrDefault returns the boolean at key ("1"/"true", "0"/"false"), or
// def when the key is absent. Conflicting or non-boolean values are an error.
func (a Args) GetBoolOrDefault(key string, def bool) (bool, error) {
	set, ok := a.fields[key]
	if !ok {
		return def, nil
	}
	isTrue := set["1"] || set["true"]
	isFalse := set["0"] || set["false"]
	if isTrue == isFalse {
		return def, &invalidFilter{Filter: key, Value: a.Get(key)}
	}
	return isTrue, nil
}

// Validate returns an InvalidParameter error naming the first key (in sorted
// order, so the message is stable) that is not in accepted.
func (a Args) Validate(accepted map[string]bool) error {
	for _, k := range a.Keys() {
		if !accepted[k] {
			return &invalidFilter{Filter: k}
		}
	}
	return nil
}

// WalkValues calls fn for each value at key, in sorted order, and stops at
// the first error.
func (a Args) WalkValues(key string, fn func(value string) error) error {
	for _, v := range a.Get(key) {
		if err := fn(v); err != nil {
			return err
		}
	}
	return nil
}

// Clone returns a deep copy, so a handler can add defaults without touching
// the caller's filters.
func (a Args) Clone() Args {
	c := NewArgs()
	for k, set := range a.fields {
		c.fields[k] = maps.Clone(set)
	}
	return c
}
