package initproc

import (
	"strings"

	"github.com/skiff-engine/skiff/internal/mountopt"
)

// dataWithout returns data with every key=value option of key removed.
func dataWithout(data, key string) string {
	var keep []string
	for _, d := range mountopt.Split(data) {
		if k, _, _ := strings.Cut(d, "="); k != key {
			keep = append(keep, d)
		}
	}
	return strings.Join(keep, ",")
}

// dataValue returns the value of key=value in data.
func dataValue(data, key string) (string, bool) {
	for _, d := range mountopt.Split(data) {
		if k, v, ok := strings.Cut(d, "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}
