package filters

import (
	"strconv"
	"time"

	"github.com/containerd/errdefs"
)

// ParseTime reads an until/since filter value as Docker does: Unix
// seconds (with a fraction), an RFC 3339 time or date, or a duration
// before now.
func ParseTime(v string, now time.Time) (time.Time, error) {
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, time.Local); err == nil {
			return t, nil
		}
	}
	if d, err := time.ParseDuration(v); err == nil {
		return now.Add(-d), nil
	}
	return time.Time{}, errdefs.ErrInvalidArgument.WithMessage("invalid filter 'until=" + v + "'")
}
