package shimapi

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
)

// Stream ids of attach frames. StreamEnd (with no data) says the output
// ended; a connection that closes without it was dropped.
const (
	StreamEnd    byte = 0
	StreamStdout byte = 1
	StreamStderr byte = 2
)

// FrameHeader is the size of a frame header: stream id, then the data
// length as a big-endian uint32.
const FrameHeader = 5

// MaxFrame bounds a frame's data; the shim sends at most one pipe read.
const MaxFrame = 1 << 20

// AppendFrame appends a frame of data on stream to dst.
func AppendFrame(dst []byte, stream byte, data []byte) []byte {
	dst = append(dst, 0, 0, 0, 0, 0)
	PutHeader(dst[len(dst)-FrameHeader:], stream, len(data))
	return append(dst, data...)
}

// PutHeader writes the header of a frame of n bytes on stream into hdr
// (FrameHeader bytes), for data already in place after it.
func PutHeader(hdr []byte, stream byte, n int) {
	hdr[0] = stream
	binary.BigEndian.PutUint32(hdr[1:FrameHeader], uint32(n))
}

// ReadFrame reads one frame, reusing buf for its data.
func ReadFrame(r *bufio.Reader, buf []byte) (stream byte, data []byte, err error) {
	var hdr [FrameHeader]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(hdr[1:])
	if n > MaxFrame {
		return 0, nil, fmt.Errorf("shim protocol: frame of %d bytes", n)
	}
	if hdr[0] > StreamStderr || (hdr[0] == StreamEnd && n != 0) {
		return 0, nil, fmt.Errorf("shim protocol: bad frame on stream %d", hdr[0])
	}
	if cap(buf) < int(n) {
		buf = make([]byte, n)
	}
	data = buf[:n]
	if _, err := io.ReadFull(r, data); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return 0, nil, err
	}
	return hdr[0], data, nil
}
