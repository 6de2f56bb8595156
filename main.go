// Command skiff is a rootless container engine: one binary that is the CLI,
// the daemon, the engine and (later) the per-container shim and init.
// main only decides which role this process plays.
package main

func main() {}
