package supervisor

import (
	"fmt"
	"os"
	"time"
)

// logger writes the supervisor's few messages to stderr in the daemon's
// console format ("<time> WRN <message> role=supervisor"); the roles'
// binary has no logging library, to stay small.
type logger struct{ quiet bool }

func newLogger(level string) *logger {
	return &logger{quiet: level == "error" || level == "fatal" || level == "panic"}
}

func (l *logger) line(lvl, format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s %s %s role=supervisor\n", time.Now().UTC().Format(time.RFC3339Nano), lvl, fmt.Sprintf(format, args...))
}

func (l *logger) errorf(format string, args ...any) { l.line("ERR", format, args...) }

func (l *logger) warnf(format string, args ...any) {
	if !l.quiet {
		l.line("WRN", format, args...)
	}
}
