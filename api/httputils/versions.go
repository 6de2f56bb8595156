package httputils

import (
	"strconv"
	"strings"
)

// CompareVersions compares dotted API versions numerically ("1.9" < "1.24"):
// -1, 0 or 1. Missing or non-numeric parts count as 0.
func CompareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := range max(len(as), len(bs)) {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
	}
	return 0
}

// VersionLessThan reports whether API version v is older than other; use it
// to keep responses compatible with older clients.
func VersionLessThan(v, other string) bool { return CompareVersions(v, other) < 0 }

// VersionGreaterThan reports whether API version v is newer than other.
func VersionGreaterThan(v, other string) bool { return CompareVersions(v, other) > 0 }
