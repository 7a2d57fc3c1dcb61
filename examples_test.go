package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// copyExamples copies examples/ into a scenario's work directory, with
// the addresses it names (the local `reqs httpbin` on 8080) mapped to the
// scenario's fixtures as readmeAddresses maps README commands, so the
// README's `reqs run` example and the examples run as written.
func copyExamples(env *testscript.Env) error {
	files, err := filepath.Glob("examples/*")
	if err != nil {
		return err
	}
	dir := filepath.Join(env.WorkDir, "examples")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	addrs := readmeAddresses(env.Getenv)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		out := addrs.Replace(string(data))
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), []byte(out), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// TestExamples runs every examples/*.http file with `reqs run --env
// local` against the scenario fixtures: each must pass, so the examples
// cannot rot.
func TestExamples(t *testing.T) {
	files, err := filepath.Glob("examples/*.http")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no examples/*.http files")
	}
	dir := t.TempDir()
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".http")
		script := fmt.Sprintf("# %s passes against httpbin.\nexec reqs run --env local %s\nstdout '^PASS '\n! stdout '^FAIL'\n! stderr .\n", f, f)
		if err := os.WriteFile(filepath.Join(dir, "example_"+name+".txtar"), []byte(script), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	runWithExamples(t, dir, scriptCmds)
}

// runWithExamples runs the generated scenarios in dir, each with the
// usual fixtures and a copy of examples/ in its work directory.
func runWithExamples(t *testing.T, dir string, cmds map[string]func(*testscript.TestScript, bool, []string)) {
	testscript.Run(t, testscript.Params{
		Dir: dir,
		Setup: func(env *testscript.Env) error {
			if err := setupScript(env); err != nil {
				return err
			}
			return copyExamples(env)
		},
		Cmds:                cmds,
		RequireExplicitExec: true,
	})
}
