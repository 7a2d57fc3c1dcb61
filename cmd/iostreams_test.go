package cmd

import "testing"

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
