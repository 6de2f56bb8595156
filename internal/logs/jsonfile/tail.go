package jsonfile

import "io"

// tailOffset returns the offset at which the last n complete lines of r
// (size bytes long) begin, reading backwards a block at a time so that a
// big log is not read whole. Bytes after the last newline are an entry
// still being written and do not count. n = 0 gives the end of the last
// complete line.
func tailOffset(r io.ReaderAt, size int64, n int) (int64, error) {
	const block = 32 * 1024
	buf := make([]byte, block)
	found := -1 // the last newline ends the last line, it starts none
	for pos := size; pos > 0; {
		start := max(pos-block, 0)
		b := buf[:pos-start]
		if _, err := r.ReadAt(b, start); err != nil && err != io.EOF {
			return 0, err
		}
		for i := len(b) - 1; i >= 0; i-- {
			if b[i] != '\n' {
				continue
			}
			found++
			if found == n {
				return start + int64(i) + 1, nil
			}
		}
		pos = start
	}
	return 0, nil
}
