package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/moby/moby/api/types/container"
	"github.com/skiff-engine/skiff/api/httputils"
)

// waitBody is the wait response with Error always present, null when the
// wait itself did not fail, as dockerd wrote it before Docker 29 (whose
// container.WaitResponse omits a nil Error): decoders read both alike, and
// scripts that index "Error" keep working.
type waitBody struct {
	StatusCode int64                    `json:"StatusCode"`
	Error      *container.WaitExitError `json:"Error"`
}

// parseWaitCondition reads "condition"; "" is not-running.
func parseWaitCondition(v string) (container.WaitCondition, error) {
	switch c := container.WaitCondition(v); c {
	case "", container.WaitConditionNotRunning:
		return container.WaitConditionNotRunning, nil
	case container.WaitConditionNextExit, container.WaitConditionRemoved:
		return c, nil
	default:
		return "", httputils.InvalidParameter(fmt.Errorf("invalid condition: %q", v))
	}
}

func (c *containerRoutes) wait(w http.ResponseWriter, r *http.Request) error {
	v := httputils.VersionFromContext(r.Context())
	// Before 1.30 there was no condition and the headers came with the
	// result; from 1.30 the client learns at once that the wait started.
	legacy := httputils.VersionLessThan(v, "1.30")
	cond := container.WaitConditionNotRunning
	if !legacy {
		var err error
		if cond, err = parseWaitCondition(r.URL.Query().Get("condition")); err != nil {
			return err
		}
	}
	ctx, cancel := streamContext(r)
	defer cancel()
	waitC, err := c.b.Wait(ctx, r.PathValue("id"), cond)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	if !legacy {
		w.WriteHeader(http.StatusOK)
		_ = http.NewResponseController(w).Flush()
	}
	var resp container.WaitResponse
	select {
	case res, ok := <-waitC:
		if !ok {
			return errors.New("wait ended without a result")
		}
		resp = res
	case <-ctx.Done():
		return nil // the client left or the server is stopping: nobody to answer
	}
	// Before 1.34 a failed removal could only be told by an empty body.
	if cond == container.WaitConditionRemoved && resp.Error != nil && httputils.VersionLessThan(v, "1.34") {
		return nil
	}
	return json.NewEncoder(w).Encode(waitBody{StatusCode: resp.StatusCode, Error: resp.Error})
}
