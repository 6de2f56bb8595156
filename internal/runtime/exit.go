package runtime

import (
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/skiff-engine/skiff/internal/runtime/shimapi"
)

// ReadExit returns the exit a shim recorded for container id, for when
// no engine was connected as it ended (Connect then says NotFound).
func ReadExit(runDir, id string) (Exit, bool) {
	if checkID(id) != nil {
		return Exit{}, false
	}
	b, err := os.ReadFile(filepath.Join(bundleDir(runDir, id), shimapi.ExitFile))
	if err != nil {
		return Exit{}, false
	}
	var st shimapi.ExitStatus
	if json.Unmarshal(b, &st) != nil {
		return Exit{}, false
	}
	return exitOf(st), true
}

func exitOf(st shimapi.ExitStatus) Exit {
	return Exit{Code: st.Code, ExitedAt: st.ExitedAt, OOMKilled: st.OOMKilled, Err: st.Err}
}
