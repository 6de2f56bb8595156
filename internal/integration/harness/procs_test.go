package harness

import "testing"

func TestUnescapeMount(t *testing.T) {
	for in, want := range map[string]string{
		`/tmp/a`:          "/tmp/a",
		`/tmp/a\040b`:     "/tmp/a b",
		`/tmp/tab\011x`:   "/tmp/tab\tx",
		`/tmp/back\134s`:  `/tmp/back\s`,
		`/tmp/trailing\0`: `/tmp/trailing\0`,
	} {
		if got := unescapeMount(in); got != want {
			t.Errorf("unescapeMount(%q) = %q, want %q", in, got, want)
		}
	}
}
