package render

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

func TestStyles(t *testing.T) {
	t.Parallel()
	got := Styles()
	for _, want := range []string{"auto", "monokai", "none", "solarized", "solarized-dark", "solarized-light", "dracula", "github-dark", "nord"} {
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
		if name != "none" && (Options{Color: true, Style: name}).palette() == nil {
			t.Errorf("style %q has no palette", name)
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
		{"../styles/monokai", true},
		{"solarized", false},
	}
	for _, tc := range tests {
		if err := ValidateStyle(tc.name); (err != nil) != tc.wantErr {
			t.Errorf("ValidateStyle(%q) = %v, want error: %v", tc.name, err, tc.wantErr)
		}
	}
}

func TestXterm256(t *testing.T) {
	t.Parallel()
	tests := []struct {
		r, g, b uint8
		want    int
	}{
		{0, 0, 0, 16},
		{255, 255, 255, 231},
		{255, 0, 0, 196},
		{0x66, 0xd9, 0xef, 81},
		{0x80, 0x80, 0x80, 244},
		{0x26, 0x8b, 0xd2, 32},
	}
	for _, tc := range tests {
		if got := xterm256(tc.r, tc.g, tc.b); got != tc.want {
			t.Errorf("xterm256(%d, %d, %d) = %d, want %d", tc.r, tc.g, tc.b, got, tc.want)
		}
	}
}

// TestChromaCopiesAreCurrent fails when the chroma definitions embedded
// in chroma/ differ from those of the chroma module go.mod requires.
func TestChromaCopiesAreCurrent(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	gen := exec.Command("go", "run", "../../internal/chromacopy", "-dir", tmp)
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("go run ./internal/chromacopy: %v\n%s", err, out)
	}
	err := filepath.WalkDir(tmp, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(tmp, path)
		want, _ := os.ReadFile(path)
		got, err := os.ReadFile(filepath.Join("chroma", rel))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("chroma/%s is out of date; run: go generate ./...", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
