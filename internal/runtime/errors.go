package runtime

// StartError is a failure to run the container's process, with the exit
// code Docker gives the container for it (127 not found, 126 not
// executable, else init's choice).
type StartError struct {
	Msg  string
	Code int
}

func (e *StartError) Error() string { return e.Msg }

// ExitCode implements ExitCoder.
func (e *StartError) ExitCode() int { return e.Code }

var _ ExitCoder = (*StartError)(nil)
