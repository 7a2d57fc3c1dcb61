package cmd

import (
	"testing"

	"github.com/fatih/color"
)

func TestForcedTTY(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value          string
		stdout, stderr bool
	}{
		{value: "", stdout: false, stderr: false},
		{value: "1", stdout: true, stderr: false},
		{value: "stdout", stdout: true, stderr: false},
		{value: "stderr", stdout: false, stderr: true},
		{value: "stdout,stderr", stdout: true, stderr: true},
		{value: " stderr , 1", stdout: true, stderr: true},
		{value: "0", stdout: false, stderr: false},
	}
	for _, tc := range tests {
		if got := forcedTTY(tc.value, "stdout"); got != tc.stdout {
			t.Errorf("forcedTTY(%q, stdout) = %v, want %v", tc.value, got, tc.stdout)
		}
		if got := forcedTTY(tc.value, "stderr"); got != tc.stderr {
			t.Errorf("forcedTTY(%q, stderr) = %v, want %v", tc.value, got, tc.stderr)
		}
	}
}

// TestNewColor: the caller's decision wins over fatih/color's global
// NoColor, which is set in tests since their stdout is no terminal.
func TestNewColor(t *testing.T) {
	t.Parallel()
	if got, want := newColor(true, color.FgGreen).Sprint("PASS"), "\x1b[32mPASS\x1b[0m"; got != want {
		t.Errorf("on: %q, want %q", got, want)
	}
	if got := newColor(false, color.FgRed).Sprint("FAIL"); got != "FAIL" {
		t.Errorf("off: %q, want plain FAIL", got)
	}
}
