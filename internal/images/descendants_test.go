package images

import "testing"

func TestBuiltOn(t *testing.T) {
	for _, tc := range []struct {
		name         string
		base, layers []string
		want         bool
	}{
		{"same chain", []string{"a", "b"}, []string{"a", "b"}, true},
		{"one more layer", []string{"a", "b"}, []string{"a", "b", "c"}, true},
		{"shares only the bottom", []string{"a", "b"}, []string{"a", "c", "d"}, false},
		{"shorter", []string{"a", "b"}, []string{"a"}, false},
		{"unrelated", []string{"a"}, []string{"x", "a"}, false},
		{"base without layers", nil, []string{"a"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := builtOn(tc.base, tc.layers); got != tc.want {
				t.Errorf("builtOn(%v, %v) = %v, want %v", tc.base, tc.layers, got, tc.want)
			}
		})
	}
}
