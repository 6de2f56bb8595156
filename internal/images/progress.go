package images

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/docker/go-units"
	"github.com/moby/moby/api/types/jsonstream"
)

// Message is one line of Docker's JSON progress stream. Besides the
// structured fields it carries the legacy "progress" text and "error"
// string that older clients and docker-py read.
type Message struct {
	Stream         string               `json:"stream,omitempty"`
	Status         string               `json:"status,omitempty"`
	ProgressDetail *jsonstream.Progress `json:"progressDetail,omitempty"`
	Progress       string               `json:"progress,omitempty"`
	ID             string               `json:"id,omitempty"`
	ErrorDetail    *jsonstream.Error    `json:"errorDetail,omitempty"`
	Error          string               `json:"error,omitempty"`
	Aux            *json.RawMessage     `json:"aux,omitempty"`
}

// Progress receives a long operation's messages (pull, push, load). The
// API turns the first one into a 200 stream; an operation that fails before
// sending anything gets a plain error status instead, as with dockerd.
type Progress func(Message)

// ErrorMessage is the stream's form of an error after the stream started.
func ErrorMessage(err error) Message {
	return Message{ErrorDetail: &jsonstream.Error{Message: err.Error()}, Error: err.Error()}
}

// layerStatus is a per-layer line with an empty progressDetail, which the
// docker CLI needs to draw the line in its place.
func layerStatus(id, status string) Message {
	return Message{ID: id, Status: status, ProgressDetail: &jsonstream.Progress{}}
}

// transfer is a "Downloading"/"Pushing" line with a bar like Docker's.
func transfer(id, status string, current, total int64) Message {
	return Message{
		ID: id, Status: status,
		ProgressDetail: &jsonstream.Progress{Current: current, Total: total},
		Progress:       bar(current, total),
	}
}

// bar renders "[=====>      ]  1.2MB/5MB" as dockerd's progress text.
func bar(current, total int64) string {
	if total <= 0 {
		return units.HumanSize(float64(current))
	}
	const width = 50
	n := int(float64(width) * float64(current) / float64(total))
	n = min(max(n, 0), width)
	arrow := strings.Repeat("=", n)
	if n < width {
		arrow += ">"
	}
	return fmt.Sprintf("[%-*s] %8s/%s", width, arrow, units.HumanSize(float64(current)), units.HumanSize(float64(total)))
}

// shortID is the 12-hex form Docker prints for layers.
func shortID(d string) string {
	if i := strings.IndexByte(d, ':'); i >= 0 {
		d = d[i+1:]
	}
	if len(d) > 12 {
		d = d[:12]
	}
	return d
}
