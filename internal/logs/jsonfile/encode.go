package jsonfile

import (
	"encoding/binary"
	"time"
	"unicode/utf8"
)

// The shim logs every line a container prints: encoding/json's reflection
// and its one allocation per entry were most of a chatty container's CPU.
// appendEntry writes the same bytes by hand into a reused buffer.

// appendEntry appends the json-file line for one entry, newline included:
// byte for byte what encoding/json (SetEscapeHTML(false)) writes for
// Entry{Log: string(line), Stream: stream, Time: t}. ts is the entry's time
// as appendTime makes it.
func appendEntry(dst []byte, stream string, line, ts []byte) []byte {
	dst = append(dst, `{"log":`...)
	dst = appendString(dst, line)
	dst = append(dst, `,"stream":`...)
	dst = appendString(dst, []byte(stream))
	dst = append(dst, `,"time":`...)
	dst = append(dst, ts...)
	return append(dst, '}', '\n')
}

// appendTime appends t as time.Time's MarshalJSON does: RFC 3339 with
// nanoseconds, quoted.
func appendTime(dst []byte, t time.Time) []byte {
	dst = append(dst, '"')
	dst = t.AppendFormat(dst, time.RFC3339Nano)
	return append(dst, '"')
}

const hexDigits = "0123456789abcdef"

// plain8 reports whether the eight bytes in x are all plain ASCII: none
// is below 0x20, '"', '\\' or 0x80 and above (bit tricks from "Bit
// Twiddling Hacks": a byte's high bit survives only where it matched).
func plain8(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	below := (x - ones*0x20) & ^x // bytes below 0x20 (x itself flags 0x80 and up)
	quote := x ^ (ones * '"')     // zero bytes where '"'
	slash := x ^ (ones * '\\')    // zero bytes where '\\'
	zero := (quote-ones) & ^quote | (slash-ones)&^slash
	return (below|zero|x)&highs == 0
}

// plain marks the ASCII bytes a JSON string holds as they are.
var plain = func() (p [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		p[b] = b != '"' && b != '\\'
	}
	return p
}()

// appendString appends s as a JSON string with encoding/json's escapes
// (HTML escaping off): short escapes for \b \f \n \r \t, \u00XX for other
// control bytes, U+FFFD for each invalid UTF-8 byte, and U+2028 and U+2029
// escaped.
func appendString(dst, s []byte) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		// Skip eight plain bytes at a time: most output is plain ASCII.
		if i+8 <= len(s) && plain8(binary.LittleEndian.Uint64(s[i:])) {
			i += 8
			continue
		}
		b := s[i]
		if b < utf8.RuneSelf {
			if plain[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
