package cli

import (
	"io"

	"github.com/moby/moby/client/pkg/jsonmessage"
)

// displayStream renders a JSON message stream (pull, push, load, import) to
// out: progress bars redrawn in place on a terminal, plain status lines
// otherwise. An error message in the stream is returned as the error.
func displayStream(in io.Reader, out io.Writer) error {
	fd, tty := terminalFd(out)
	return jsonmessage.DisplayJSONMessagesStream(in, out, fd, tty, nil)
}
