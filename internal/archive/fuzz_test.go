package archive

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

func FuzzValidateLayer(f *testing.F) {
	for _, tc := range layerCases() {
		f.Add(tc.data(f), tc.opts.AllowDevices)
	}
	f.Fuzz(func(t *testing.T, data []byte, devices bool) {
		info, err := LayerOptions{AllowDevices: devices, AllowFifos: devices}.Validate(bytes.NewReader(data))
		if err == nil && info.Size != int64(len(data)) {
			t.Fatalf("accepted layer of %d bytes reports Size %d", len(data), info.Size)
		}
	})
}

// FuzzSpool checks confinement whatever the input: after Spool, nothing is
// new next to the spool dir, nothing in it is a symlink, device or fifo,
// and a failed Spool leaves the dir empty. Each exec touches the disk, so
// run it with a short -fuzzminimizetime (1s): minimising a find otherwise
// takes most of the time budget.
func FuzzSpool(f *testing.F) {
	for _, tc := range spoolCases() {
		f.Add(tc.data(f))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		parent := t.TempDir()
		dir := filepath.Join(parent, "spool")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		_, err := Spool(context.Background(), bytes.NewReader(data), dir, ArchiveOptions{MaxSize: 64 << 20})
		checkConfined(t, parent, dir)
		if err != nil {
			if names, _ := os.ReadDir(dir); len(names) > 0 {
				t.Fatalf("Spool failed (%v) but left %v", err, names)
			}
		}
	})
}
