package render

import (
	"slices"
	"testing"
)

func TestStyles(t *testing.T) {
	t.Parallel()
	got := Styles()
	for _, want := range []string{"auto", "monokai", "none", "solarized"} {
		if !slices.Contains(got, want) {
			t.Errorf("Styles() = %v, want it to contain %q", got, want)
		}
	}
	if !slices.IsSorted(got) {
		t.Errorf("Styles() = %v, want it sorted", got)
	}
	for _, name := range got {
		if err := ValidateStyle(name); err != nil {
			t.Errorf("ValidateStyle(%q) = %v, want nil for a listed style", name, err)
		}
	}
}

func TestValidateStyle(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		wantErr bool
	}{
		{"", false},
		{"auto", false},
		{"monokai", false},
		{"Monokai", true},
		{"no-such-style", true},
	}
	for _, tc := range tests {
		if err := ValidateStyle(tc.name); (err != nil) != tc.wantErr {
			t.Errorf("ValidateStyle(%q) = %v, want error: %v", tc.name, err, tc.wantErr)
		}
	}
}
