package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// generatedDirs are the directories internal/gendocs writes, every file of
// which is generated.
var generatedDirs = []string{"completions", "man"}

// TestGeneratedDocsAreCurrent regenerates the completion scripts and man
// pages into a temporary directory and fails when the checked-in ones
// differ, so a new or changed flag cannot ship with stale docs.
func TestGeneratedDocsAreCurrent(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	gen := exec.Command("go", "run", "./internal/gendocs", "-dir", tmp)
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("go run ./internal/gendocs -dir %s: %v\n%s", tmp, err, out)
	}
	var stale []string
	for _, dir := range generatedDirs {
		diffs, err := diffDirs(filepath.Join(tmp, dir), dir)
		if err != nil {
			t.Fatal(err)
		}
		stale = append(stale, diffs...)
	}
	if len(stale) > 0 {
		t.Errorf("generated files are out of date; run: go generate ./...\n\t%s", strings.Join(stale, "\n\t"))
	}
}

// diffDirs compares the files of want (freshly generated) and got (checked
// in) and describes each difference, naming the checked-in file.
func diffDirs(want, got string) ([]string, error) {
	wantFiles, err := readDir(want)
	if err != nil {
		return nil, err
	}
	gotFiles, err := readDir(got)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(wantFiles)+len(gotFiles))
	for n := range wantFiles {
		names = append(names, n)
	}
	for n := range gotFiles {
		if _, ok := wantFiles[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	var diffs []string
	for _, n := range names {
		path := filepath.Join(got, n)
		w, inWant := wantFiles[n]
		g, inGot := gotFiles[n]
		switch {
		case !inGot:
			diffs = append(diffs, path+": missing")
		case !inWant:
			diffs = append(diffs, path+": no longer generated")
		case !bytes.Equal(w, g):
			diffs = append(diffs, path+": "+firstDifference(w, g))
		}
	}
	return diffs, nil
}

// readDir returns the contents of dir's regular files by name; a missing
// dir has none.
func readDir(dir string) (map[string][]byte, error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	files := make(map[string][]byte, len(entries))
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		files[e.Name()] = b
	}
	return files, nil
}

// firstDifference describes the first run of lines where got (checked
// in) differs from want (generated), without the lines both share around it.
func firstDifference(want, got []byte) string {
	w := strings.Split(string(want), "\n")
	g := strings.Split(string(got), "\n")
	p := 0
	for p < len(w) && p < len(g) && w[p] == g[p] {
		p++
	}
	s := 0
	for s < len(w)-p && s < len(g)-p && w[len(w)-1-s] == g[len(g)-1-s] {
		s++
	}
	return fmt.Sprintf("line %d: checked in %q, generated %q", p+1, firstLines(g[p:len(g)-s]), firstLines(w[p:len(w)-s]))
}

// firstLines joins up to three lines, marking any left out.
func firstLines(lines []string) string {
	const most = 3
	if len(lines) > most {
		return strings.Join(lines[:most], "\n") + "\n..."
	}
	return strings.Join(lines, "\n")
}

func TestDiffDirs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		want, got map[string]string
		diffs     []string
	}{
		{name: "same", want: map[string]string{"a.1": "x\n"}, got: map[string]string{"a.1": "x\n"}},
		{name: "missing", want: map[string]string{"a.1": "x\n"}, got: map[string]string{}, diffs: []string{"a.1: missing"}},
		{name: "stale", want: map[string]string{}, got: map[string]string{"old.1": "x\n"}, diffs: []string{"old.1: no longer generated"}},
		{name: "changed", want: map[string]string{"a.1": "x\ny\n"}, got: map[string]string{"a.1": "x\nz\n"}, diffs: []string{`a.1: line 2: checked in "z", generated "y"`}},
		{name: "inserted", want: map[string]string{"a.1": "x\n--new\ny\n"}, got: map[string]string{"a.1": "x\ny\n"}, diffs: []string{`a.1: line 2: checked in "", generated "--new"`}},
		{name: "many lines", want: map[string]string{"a.1": "1\n2\n3\n4\n"}, got: map[string]string{"a.1": ""}, diffs: []string{`a.1: line 1: checked in "", generated "1\n2\n3\n..."`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			want, got := t.TempDir(), t.TempDir()
			writeFiles(t, want, tc.want)
			writeFiles(t, got, tc.got)
			diffs, err := diffDirs(want, got)
			if err != nil {
				t.Fatal(err)
			}
			for i := range tc.diffs {
				tc.diffs[i] = filepath.Join(got, tc.diffs[i])
			}
			if !slices.Equal(diffs, tc.diffs) {
				t.Errorf("diffDirs(%v, %v) = %q, want %q", tc.want, tc.got, diffs, tc.diffs)
			}
		})
	}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
