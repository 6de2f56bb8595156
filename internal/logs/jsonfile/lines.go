package jsonfile

import (
	"bufio"
	"io"
)

// lineReader returns the complete ("\n"-terminated) lines of a file that
// may be growing: a last line without its newline yet is held back, and
// completed by what a later call reads.
type lineReader struct {
	br      *bufio.Reader
	partial []byte
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 64*1024)}
}

// next returns the next complete line without its newline, valid until the
// next call, or io.EOF when no complete line is there (yet).
func (l *lineReader) next() ([]byte, error) {
	for {
		chunk, err := l.br.ReadSlice('\n')
		if err == nil {
			if len(l.partial) == 0 {
				return chunk[:len(chunk)-1], nil
			}
			l.partial = append(l.partial, chunk...)
			line := l.partial[:len(l.partial)-1]
			l.partial = l.partial[:0]
			return line, nil
		}
		// bufio returns a read error once; the next call reads the file
		// again, which is how growth is picked up.
		l.partial = append(l.partial, chunk...)
		if len(l.partial) > maxEntry {
			return nil, errEntryTooLong
		}
		if err != bufio.ErrBufferFull {
			return nil, err
		}
	}
}
