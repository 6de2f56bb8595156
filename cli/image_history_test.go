package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/image"
)

func TestHistory(t *testing.T) {
	created := time.Now().Add(-49 * time.Hour).Unix()
	long := "/bin/sh -c #(nop) ADD file:0123456789abcdef in / \t with a tab and more text"
	items := []image.HistoryResponseItem{
		{ID: "sha256:" + strings.Repeat("a", 64), Created: created, CreatedBy: "/bin/sh -c #(nop)  CMD [\"sh\"]", Size: 0, Tags: []string{"busybox:latest"}},
		{ID: "<missing>", Created: created, CreatedBy: long, Size: 4261550, Comment: "imported"},
		{ID: "<missing>", Created: 0, CreatedBy: "", Size: 12},
	}
	host, log := apiDaemon(t, routes{"GET /images/busybox/history": jsonHandler(200, items)})
	at := time.Unix(created, 0).Format(time.RFC3339)
	tests := []struct {
		name string
		args []string
		out  string
	}{
		{name: "table", args: []string{"history", "busybox"}, out: "" +
			"IMAGE          CREATED      CREATED BY                                      SIZE      COMMENT\n" +
			"aaaaaaaaaaaa   2 days ago   /bin/sh -c #(nop)  CMD [\"sh\"]                   0B        \n" +
			"<missing>      2 days ago   /bin/sh -c #(nop) ADD file:0123456789abcdef …   4.26MB    imported\n" +
			"<missing>      N/A                                                          12B       \n"},
		{name: "quiet", args: []string{"image", "history", "-q", "busybox"}, out: "aaaaaaaaaaaa\n<missing>\n<missing>\n"},
		{name: "not human", args: []string{"history", "-H=false", "--format", "{{.CreatedSince}}|{{.Size}}", "busybox"},
			out: at + "|0\n" + at + "|4261550\n" + time.Unix(0, 0).Format(time.RFC3339) + "|12\n"},
		{name: "no-human long flag", args: []string{"history", "--no-human", "--format", "{{.Size}}", "busybox"}, out: "0\n4261550\n12\n"},
		{name: "no-trunc", args: []string{"history", "--no-trunc", "--format", "{{.ID}} {{.CreatedBy}}", "busybox"},
			out: "sha256:" + strings.Repeat("a", 64) + " /bin/sh -c #(nop)  CMD [\"sh\"]\n<missing> " + strings.ReplaceAll(long, "\t", " ") + "\n<missing> \n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, "", append([]string{"-H", host}, tt.args...)...)
			if r.code != 0 || r.stdout != tt.out {
				t.Errorf("exit %d stderr %q stdout:\n%s\nwant:\n%s", r.code, r.stderr, r.stdout, tt.out)
			}
		})
	}
	r := runCLI(t, nil, "", "-H", host, "history", "--platform", "linux/arm64", "-q", "busybox")
	if r.code != 0 || log.last(t, "/images/busybox/history").Query.Get("platform") != `{"architecture":"arm64","os":"linux"}` {
		t.Errorf("platform: exit %d stderr %q query %v", r.code, r.stderr, log.last(t, "/images/busybox/history").Query)
	}
}

func TestRewriteCommandShorts(t *testing.T) {
	tests := []struct{ in, want string }{
		{"history -H=false img", "history --human=false img"},
		{"-H unix:///x.sock history -H img", "-H unix:///x.sock history --human img"},
		{"--debug image history -q -H=false img", "--debug image history -q --human=false img"},
		{"import -c CMD=x -cENV=y -m msg f.tar", "import --change CMD=x --change=ENV=y -m msg f.tar"},
		{"image import -c=ENTRYPOINT=z - -- -c", "image import --change=ENTRYPOINT=z - -- -c"},
		{"-c default images -H", "-c default images -H"},
		{"pull -H x", "pull -H x"},
	}
	for _, tt := range tests {
		if got := strings.Join(rewriteCommandShorts(strings.Fields(tt.in)), " "); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
		}
	}
}
