package daemon

import (
	"github.com/skiff-engine/skiff/internal/runtime/roleexe"
	"github.com/skiff-engine/skiff/internal/supervisor"
	"github.com/skiff-engine/skiff/rootless"
)

// supervise takes what the supervisor holds for the daemon's life (the
// lock when rootful, the API sockets) and becomes the supervisor: from
// the small roles' binary when skiff carries it, else in this process.
func supervise(s *settings, args []string) int {
	cfg := supervisor.Config{Args: args, LogLevel: s.log.GetLevel().String()}
	if !rootless.InUserNS() { // rootful: the rootless host side already claimed it
		lock, err := claimHost(s)
		if err != nil {
			s.log.Error().Err(err).Msg("")
			return 1
		}
		defer lock.Close()
		cfg.LockFD = int(lock.Fd())
	}
	ls, err := openListeners(s.hosts)
	if err != nil {
		s.log.Error().Err(err).Msg("")
		return 1
	}
	defer ls.close()
	for _, f := range ls.files {
		cfg.ListenFDs = append(cfg.ListenFDs, int(f.Fd()))
	}
	cfg.Remove = ls.owned
	if tap, conn, ok := rootless.TapRelay(); ok {
		cfg.TapRelay = []int{tap, conn}
	}
	if roleexe.Embedded() {
		roles, err := roleexe.Sealed()
		if err == nil {
			err = supervisor.Exec(roles, cfg) // returns only on failure
			roles.Close()
		}
		s.log.Warn().Err(err).Msg("the supervisor runs from the whole binary")
	}
	return supervisor.Run(cfg)
}
