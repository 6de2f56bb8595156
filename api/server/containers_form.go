package server

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/skiff-engine/skiff/api/httputils"
)

// formBool reads a boolean query parameter as dockerd does: absent, "",
// "0", "no", "false" and "none" are false, anything else is true (so
// "1", "True" and "yes" all work, as old clients send them).
func formBool(q url.Values, key string) bool {
	switch strings.ToLower(strings.TrimSpace(q.Get(key))) {
	case "", "0", "no", "false", "none":
		return false
	default:
		return true
	}
}

// formBoolDefault is formBool with a default for an absent parameter.
func formBoolDefault(q url.Values, key string, def bool) bool {
	if _, ok := q[key]; !ok {
		return def
	}
	return formBool(q, key)
}

// formTimeout reads the stop/restart "t" parameter: nil when absent.
func formTimeout(q url.Values) (*int, error) {
	v := q.Get("t")
	if v == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return nil, httputils.InvalidParameter(fmt.Errorf("invalid value for t: %q: must be an integer", v))
	}
	return &n, nil
}

// parseTail reads the logs "tail" parameter: "all", empty, negative or
// unparsable mean the whole log (-1), as in dockerd.
func parseTail(v string) int {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// parseLogTime reads a logs since/until value. Clients send Unix seconds
// with an optional fraction ("1700000000.123456789", what the docker CLI
// and moby client turn every user input into); RFC 3339 is accepted too,
// for hand-written requests. "" and "0" mean unbounded (zero time).
func parseLogTime(key, v string) (time.Time, error) {
	if v == "" || v == "0" {
		return time.Time{}, nil
	}
	if t, ok := parseUnixTime(v); ok {
		return t, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04Z07:00", "2006-01-02T15:04", "2006-01-02Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, httputils.InvalidParameter(fmt.Errorf("invalid value for %s: %q: want Unix seconds (with an optional fraction) or an RFC 3339 time", key, v))
}

// parseUnixTime reads "seconds[.fraction]"; the fraction is read as
// nanoseconds after padding or truncating it to nine digits.
func parseUnixTime(v string) (time.Time, bool) {
	secs, frac, hasFrac := strings.Cut(v, ".")
	sec, err := strconv.ParseInt(secs, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	var ns int64
	if hasFrac {
		if frac == "" || strings.Trim(frac, "0123456789") != "" {
			return time.Time{}, false
		}
		if ns, err = strconv.ParseInt((frac + "000000000")[:9], 10, 64); err != nil {
			return time.Time{}, false
		}
		if strings.HasPrefix(secs, "-") {
			ns = -ns
		}
	}
	return time.Unix(sec, ns), true
}

// errNoStream is dockerd's answer to a logs request for neither stream.
var errNoStream = httputils.InvalidParameter(errors.New("Bad parameters: you must choose at least one stream"))
