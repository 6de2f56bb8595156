package seccomp

import "testing"

func BenchmarkCompileDefault(b *testing.B) {
	sc := defaultProfile(b, dockerCaps...)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(sc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkForSpecDefault(b *testing.B) {
	spec := specWithCaps(dockerCaps...)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ForSpec("", spec); err != nil {
			b.Fatal(err)
		}
	}
}
