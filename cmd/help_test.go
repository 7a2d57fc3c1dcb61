package cmd

import (
	"strconv"
	"strings"
	"testing"
)

// TestExitStatusesCoverExitCodes checks that the table --help and reqs(1)
// print lists every status exitcode.go produces, and nothing else.
func TestExitStatusesCoverExitCodes(t *testing.T) {
	t.Parallel()
	listed := map[int]bool{}
	for _, s := range ExitStatuses() {
		for _, code := range strings.Split(s.Code, ", ") {
			n, err := strconv.Atoi(code)
			if err != nil {
				t.Fatalf("exit status %q is not a number", code)
			}
			listed[n] = true
		}
	}
	want := []int{exitOK, exitError, exitTimeout, 3, 4, 5, exitRedirects, exitAssertion, exitUsage, exitInterrupted}
	for _, code := range want {
		if !listed[code] {
			t.Errorf("exit status %d is not in the help's table", code)
		}
		delete(listed, code)
	}
	for code := range listed {
		t.Errorf("the help's table lists exit status %d, which reqs never returns", code)
	}
}
