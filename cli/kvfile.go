package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"
)

// readKVFile reads an --env-file or --label-file as docker does: one
// KEY=VALUE a line, blank lines and lines starting with # skipped, leading
// space trimmed, the value kept verbatim (quotes included). A line with a
// name alone takes its value from lookup and is dropped when lookup has
// none (label files pass a nil lookup: such lines are dropped).
func readKVFile(name string, lookup func(string) (string, bool)) ([]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	lines, err := parseKVLines(f, lookup)
	if err != nil {
		return nil, fmt.Errorf("invalid env file (%s): %v", name, err)
	}
	return lines, nil
}

func parseKVLines(r io.Reader, lookup func(string) (string, bool)) ([]string, error) {
	var out []string
	s := bufio.NewScanner(r)
	for n := 1; s.Scan(); n++ {
		b := s.Bytes()
		if !utf8.Valid(b) {
			return nil, fmt.Errorf("invalid utf8 bytes at line %d: %v", n, b)
		}
		if n == 1 {
			b = bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})
		}
		line := strings.TrimLeftFunc(string(b), unicode.IsSpace)
		if line == "" || line[0] == '#' {
			continue
		}
		key, _, hasValue := strings.Cut(line, "=")
		switch {
		case key == "":
			return nil, fmt.Errorf("no variable name on line '%s'", line)
		case strings.ContainsAny(key, " \t"):
			return nil, fmt.Errorf("variable '%s' contains whitespaces", key)
		case hasValue:
			out = append(out, line)
		case lookup != nil:
			if v, ok := lookup(line); ok {
				out = append(out, key+"="+v)
			}
		}
	}
	return out, s.Err()
}

// kvMap turns KEY=VALUE strings into a map; a later key wins and a
// string without "=" maps to "".
func kvMap(values []string) map[string]string {
	m := make(map[string]string, len(values))
	for _, v := range values {
		k, val, _ := strings.Cut(v, "=")
		m[k] = val
	}
	return m
}
