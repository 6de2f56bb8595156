package cli

import (
	"fmt"
	"strings"

	"github.com/moby/moby/client"
)

// parseFilters turns repeated --filter name=value flags into API filters,
// as docker does: names are lower-cased and both sides trimmed. flag names
// the flag in the error ("-f, --filter").
func parseFilters(flag string, flags []string) (client.Filters, error) {
	f := client.Filters{}
	for _, v := range flags {
		if v == "" {
			continue
		}
		name, val, ok := strings.Cut(v, "=")
		if !ok {
			return nil, statusError{Code: 125, Msg: fmt.Sprintf("invalid argument %q for %q flag: bad format of filter (expected name=value)", v, flag)}
		}
		f.Add(strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(val))
	}
	return f, nil
}
