//go:build race

package main

// raceEnabled: this test binary was built with -race (buildAssay builds the
// binary it runs as a process the same way).
const raceEnabled = true
