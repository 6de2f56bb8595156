package filters

import (
	"fmt"
	"strings"
)

// invalidFilter is a bad `filters` parameter or filter value. Its message is
// Docker's, because scripts and tests match on it.
type invalidFilter struct {
	Filter string
	Value  []string
}

func (e *invalidFilter) Error() string {
	if e.Filter == "" {
		return "invalid filter"
	}
	if e.Value != nil {
		return fmt.Sprintf("invalid filter '%s=[%s]'", e.Filter, strings.Join(e.Value, " "))
	}
	return "invalid filter '" + e.Filter + "'"
}

// InvalidParameter marks the error for errdefs.IsInvalidArgument (HTTP 400).
func (e *invalidFilter) InvalidParameter() {}

// InvalidValue returns an InvalidParameter error for a filter whose values
// the caller could not use, worded as Docker words it: invalid filter 'k=[v]'.
func InvalidValue(key string, values ...string) error {
	if values == nil {
		values = []string{}
	}
	return &invalidFilter{Filter: key, Value: values}
}
