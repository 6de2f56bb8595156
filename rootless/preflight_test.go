package rootless

import (
	"reflect"
	"testing"
)

func TestParseIDMap(t *testing.T) {
	tests := []struct {
		in      string
		want    []IDMap
		wantErr bool
	}{
		{in: "         0       1000          1\n         1     100000      65536\n", want: []IDMap{{0, 1000, 1}, {1, 100000, 65536}}},
		{in: "0 0 4294967295", want: []IDMap{{0, 0, 4294967295}}},
		{in: "", want: nil},
		{in: "0 1000", wantErr: true},
		{in: "a b c", wantErr: true},
	}
	for _, tc := range tests {
		got, err := parseIDMap(tc.in)
		if (err != nil) != tc.wantErr {
			t.Fatalf("parseIDMap(%q) error = %v, wantErr %v", tc.in, err, tc.wantErr)
		}
		if !tc.wantErr && !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseIDMap(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	if s := FormatIDMap([]IDMap{{0, 1000, 1}, {1, 100000, 65536}}); s != "0:1000:1/1:100000:65536" {
		t.Errorf("FormatIDMap = %q", s)
	}
}
