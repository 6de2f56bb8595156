package filters

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/containerd/errdefs"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    map[string][]string
		wantErr string
	}{
		{name: "empty", in: "", want: map[string][]string{}},
		{name: "empty object", in: "{}", want: map[string][]string{}},
		{name: "current", in: `{"label":{"a=b":true,"c":true},"name":{"x":true}}`, want: map[string][]string{"label": {"a=b", "c"}, "name": {"x"}}},
		{name: "legacy", in: `{"label":["a=b","c"]}`, want: map[string][]string{"label": {"a=b", "c"}}},
		{name: "false value dropped", in: `{"label":{"a":false,"b":true}}`, want: map[string][]string{"label": {"b"}}},
		{name: "null", in: `null`, want: map[string][]string{}},
		{name: "not json", in: `label=a`, wantErr: "invalid filter"},
		{name: "wrong shape", in: `{"label":"a"}`, wantErr: "invalid filter"},
		{name: "array", in: `["a"]`, wantErr: "invalid filter"},
		{name: "truncated", in: `{"label":{"a":true}`, wantErr: "invalid filter"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.in)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				if !errdefs.IsInvalidArgument(err) {
					t.Fatalf("err %v is not InvalidArgument", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Len() != len(tc.want) {
				t.Fatalf("Len = %d, want %d (%v)", got.Len(), len(tc.want), got.Keys())
			}
			for k, vs := range tc.want {
				if g := got.Get(k); !slices.Equal(g, vs) {
					t.Errorf("Get(%q) = %v, want %v", k, g, vs)
				}
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	a := NewArgs(Arg("label", "a=b"), Arg("name", "x"))
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(string(b))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Keys(), []string{"label", "name"}) || !back.ExactMatch("label", "a=b") {
		t.Fatalf("round trip lost data: %s", b)
	}
	if b, _ := json.Marshal(Args{}); string(b) != "{}" {
		t.Fatalf("empty marshal = %s", b)
	}
}

func TestContainsGet(t *testing.T) {
	a, _ := Parse(`{"dangling":{},"name":{"b":true,"a":true}}`)
	if !a.Contains("dangling") || a.Contains("label") {
		t.Fatal("Contains wrong")
	}
	if g := a.Get("dangling"); g == nil || len(g) != 0 {
		t.Fatalf("Get(empty key) = %#v, want empty non-nil", g)
	}
	if g := a.Get("name"); !slices.Equal(g, []string{"a", "b"}) {
		t.Fatalf("Get = %v", g)
	}
}

func TestMatchers(t *testing.T) {
	a := NewArgs(Arg("name", "^web"), Arg("name", "db-1"), Arg("id", "abc"), Arg("bad", "(["))
	tests := []struct {
		name   string
		fn     func(key, src string) bool
		key    string
		source string
		want   bool
	}{
		{"exact hit", a.ExactMatch, "name", "db-1", true},
		{"exact miss", a.ExactMatch, "name", "db-2", false},
		{"exact unset key matches all", a.ExactMatch, "other", "x", true},
		{"regexp anchored", a.Match, "name", "web-frontend", true},
		{"regexp unanchored end", a.Match, "name", "xdb-1y", true},
		{"regexp miss", a.Match, "name", "api", false},
		{"invalid regexp only exact", a.Match, "bad", "([", true},
		{"invalid regexp no panic", a.Match, "bad", "x", false},
		{"match unset key", a.Match, "other", "x", true},
		{"fuzzy prefix", a.FuzzyMatch, "id", "abcdef", true},
		{"fuzzy not prefix", a.FuzzyMatch, "id", "xabc", false},
		{"fuzzy exact", a.FuzzyMatch, "id", "abc", true},
		{"fuzzy unset", a.FuzzyMatch, "other", "", true},
		{"unique exact hit", a.UniqueExactMatch, "id", "abc", true},
		{"unique exact many", a.UniqueExactMatch, "name", "db-1", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.fn(tc.key, tc.source); got != tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestMatchKVList(t *testing.T) {
	labels := map[string]string{"app": "web", "tier": "front", "empty": ""}
	tests := []struct {
		name    string
		filters []string
		sources map[string]string
		want    bool
	}{
		{"no filter", nil, labels, true},
		{"no filter no labels", nil, nil, true},
		{"key present", []string{"app"}, labels, true},
		{"key absent", []string{"nope"}, labels, false},
		{"key=value", []string{"app=web"}, labels, true},
		{"key=other", []string{"app=db"}, labels, false},
		{"key= empty value", []string{"empty="}, labels, true},
		{"all must hold", []string{"app=web", "tier=front"}, labels, true},
		{"one fails", []string{"app=web", "tier=back"}, labels, false},
		{"not equal holds", []string{"app!=db"}, labels, true},
		{"not equal fails", []string{"app!=web"}, labels, false},
		{"not equal absent key", []string{"nope!=x"}, labels, true},
		{"not equal no labels", []string{"app!=web"}, nil, true},
		{"key on no labels", []string{"app"}, nil, false},
		{"value containing =", []string{"k=a=b"}, map[string]string{"k": "a=b"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := NewArgs()
			for _, f := range tc.filters {
				a.Add("label", f)
			}
			if got := a.MatchKVList("label", tc.sources); got != tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	accepted := map[string]bool{"label": true, "name": true}
	if err := NewArgs(Arg("label", "a"), Arg("name", "b")).Validate(accepted); err != nil {
		t.Fatal(err)
	}
	err := NewArgs(Arg("label", "a"), Arg("zzz", "1"), Arg("foo", "b")).Validate(accepted)
	if err == nil || err.Error() != "invalid filter 'foo'" {
		t.Fatalf("err = %v, want invalid filter 'foo'", err)
	}
	if !errdefs.IsInvalidArgument(err) {
		t.Fatal("Validate error is not InvalidArgument")
	}
}

func TestGetBoolOrDefault(t *testing.T) {
	tests := []struct {
		in      string
		want    bool
		wantErr string
	}{
		{`{}`, true, ""},
		{`{"dangling":{"true":true}}`, true, ""},
		{`{"dangling":{"0":true}}`, false, ""},
		{`{"dangling":{"true":true,"false":true}}`, true, "invalid filter 'dangling=[false true]'"},
		{`{"dangling":{"maybe":true}}`, true, "invalid filter 'dangling=[maybe]'"},
	}
	for _, tc := range tests {
		a, err := Parse(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := a.GetBoolOrDefault("dangling", true)
		if tc.wantErr != "" {
			if err == nil || err.Error() != tc.wantErr {
				t.Errorf("%s: err = %v, want %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: got %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestCloneIsDeep(t *testing.T) {
	a := NewArgs(Arg("label", "a"))
	c := a.Clone()
	c.Add("label", "b")
	c.Add("name", "x")
	if a.Len() != 1 || len(a.Get("label")) != 1 {
		t.Fatal("Clone shares state with the original")
	}
}

func TestInvalidValue(t *testing.T) {
	err := InvalidValue("until", "yesterday")
	if err.Error() != "invalid filter 'until=[yesterday]'" || !errdefs.IsInvalidArgument(err) {
		t.Fatalf("err = %v", err)
	}
}
