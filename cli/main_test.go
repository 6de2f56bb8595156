package cli

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"
)

// TestMain lets the test binary play the programs the CLI starts: the CLI
// itself (the remote end of ssh://) and daemons for the autostart tests.
func TestMain(m *testing.M) {
	switch os.Getenv("SKIFF_TEST_ROLE") {
	case "":
		os.Exit(m.Run())
	case "cli":
		os.Exit(Run(os.Args[1:], Build{Version: "remote"}, Roles{}))
	case "fake-daemon":
		fakeDaemonMain()
	case "failing-daemon":
		fmt.Fprintln(os.Stderr, "level=fatal msg=\"boom: cannot create the API socket\"")
		os.Exit(2)
	case "silent-daemon":
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	os.Exit(99)
}

// fakeDaemonMain answers /_ping on $SKIFF_TEST_SOCK after a short delay,
// as a starting daemon would, records its pid and quits after a minute.
func fakeDaemonMain() {
	if f := os.Getenv("SKIFF_TEST_PIDFILE"); f != "" {
		_ = os.WriteFile(f, []byte(strconv.Itoa(os.Getpid())), 0o600)
	}
	fmt.Println("fake daemon starting")
	time.Sleep(200 * time.Millisecond)
	l, err := net.Listen("unix", os.Getenv("SKIFF_TEST_SOCK"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	go func() { time.Sleep(time.Minute); os.Exit(0) }()
	_ = http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Api-Version", "1.52")
		_, _ = w.Write([]byte("OK"))
	}))
	os.Exit(0)
}
