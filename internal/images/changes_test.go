package images

import (
	"reflect"
	"testing"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

func TestApplyChanges(t *testing.T) {
	tests := []struct {
		name    string
		changes []string
		want    ocispec.ImageConfig
		wantErr bool
	}{
		{name: "cmd exec form", changes: []string{`CMD ["sh", "-c", "echo hi"]`}, want: ocispec.ImageConfig{Cmd: []string{"sh", "-c", "echo hi"}}},
		{name: "cmd shell form", changes: []string{`CMD echo hi`}, want: ocispec.ImageConfig{Cmd: []string{"/bin/sh", "-c", "echo hi"}}},
		{name: "entrypoint", changes: []string{`ENTRYPOINT ["/bin/busybox"]`}, want: ocispec.ImageConfig{Entrypoint: []string{"/bin/busybox"}}},
		{name: "env forms", changes: []string{`ENV A=1 B="two words"`, `ENV C legacy value`, `ENV A=3`}, want: ocispec.ImageConfig{Env: []string{"A=3", "B=two words", "C=legacy value"}}},
		{name: "label", changes: []string{`LABEL a=b "c d"=e`}, want: ocispec.ImageConfig{Labels: map[string]string{"a": "b", "c d": "e"}}},
		{name: "expose", changes: []string{`EXPOSE 80 53/udp`}, want: ocispec.ImageConfig{ExposedPorts: map[string]struct{}{"80/tcp": {}, "53/udp": {}}}},
		{name: "volume", changes: []string{`VOLUME ["/data"]`, `VOLUME /a /b`}, want: ocispec.ImageConfig{Volumes: map[string]struct{}{"/data": {}, "/a": {}, "/b": {}}}},
		{name: "user workdir stopsignal", changes: []string{`user nobody`, `WORKDIR /srv`, `STOPSIGNAL SIGINT`}, want: ocispec.ImageConfig{User: "nobody", WorkingDir: "/srv", StopSignal: "SIGINT"}},
		{name: "unknown", changes: []string{`RUN true`}, wantErr: true},
		{name: "onbuild refused", changes: []string{`ONBUILD RUN true`}, wantErr: true},
		{name: "unterminated quote", changes: []string{`ENV A="x`}, wantErr: true},
		{name: "label without value", changes: []string{`LABEL justkey`}, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got ocispec.ImageConfig
			err := applyChanges(&got, tc.changes)
			if (err != nil) != tc.wantErr {
				t.Fatalf("error = %v, wantErr %v", err, tc.wantErr)
			}
			if !tc.wantErr && !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func FuzzSplitWords(f *testing.F) {
	for _, s := range []string{`a b`, `"a b" c`, `'x\' y`, `a\ b`, `"unterminated`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, err := splitWords(s)
		if err == nil && len(words) > len(s) {
			t.Fatalf("%d words from %d bytes", len(words), len(s))
		}
	})
}
