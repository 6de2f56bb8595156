package integration

import "syscall"

// syscallStat is the owner of a file as the host sees it.
type syscallStat struct{ uid, gid uint32 }

func statOwner(path string, out *syscallStat) error {
	var st syscall.Stat_t
	if err := syscall.Lstat(path, &st); err != nil {
		return err
	}
	out.uid, out.gid = st.Uid, st.Gid
	return nil
}
