package jsonfile

import "encoding/json"

// decodeLine turns one JSON line of the log into a Message. Errors are
// json's own, which is what dockerd reports for a corrupt log.
func decodeLine(b []byte) (Message, error) {
	var e Entry
	if err := json.Unmarshal(b, &e); err != nil {
		return Message{}, err
	}
	return Message{Stream: e.Stream, Line: []byte(e.Log), Time: e.Time}, nil
}

// isBlank reports a line of only JSON whitespace, which dockerd's stream
// decoder skips.
func isBlank(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
		default:
			return false
		}
	}
	return true
}
