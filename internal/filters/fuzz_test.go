package filters

import (
	"encoding/json"
	"testing"
)

// FuzzParse feeds untrusted query strings to Parse and every matcher: none
// may panic, and whatever parses must survive a marshal/parse round trip.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "{}", "null", `{"label":{"a=b":true}}`, `{"label":["a=b"]}`,
		`{"name":{"(":true}}`, `{"a":{"b":false}}`, `[`, `{"a":[1]}`, `"x"`,
	} {
		f.Add(s, "source")
	}
	f.Fuzz(func(t *testing.T, in, source string) {
		a, err := Parse(in)
		if err != nil {
			return
		}
		for _, k := range a.Keys() {
			a.Get(k)
			a.ExactMatch(k, source)
			a.Match(k, source)
			a.FuzzyMatch(k, source)
			a.MatchKVList(k, map[string]string{source: source})
			_, _ = a.GetBoolOrDefault(k, false)
		}
		_ = a.Validate(map[string]bool{})
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		back, err := Parse(string(b))
		if err != nil {
			t.Fatalf("re-parse of %s: %v", b, err)
		}
		if back.Len() != a.Len() {
			t.Fatalf("round trip changed Len: %d -> %d", a.Len(), back.Len())
		}
	})
}
