package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reqs-cli/reqs/cmd"
	"github.com/spf13/cobra"
)

func TestRoffEscape(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"reqs -v :8080/get", `reqs \-v :8080/get`},
		{`a\:b=c`, `a\e:b=c`},
		{".hidden", `\&.hidden`},
		{"'quoted'", `\&'quoted'`},
		{"it's", "it's"},
	}
	for _, tc := range tests {
		if got := roffEscape(tc.in); got != tc.want {
			t.Errorf("roffEscape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPreformatIndented(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{name: "plain", in: "one\ntwo", want: "one\ntwo"},
		{name: "table", in: "Items:\n  a  b\n  c  d\nafter", want: "Items:\n\n```\n  a  b\n  c  d\n```\n\nafter"},
		{name: "at end", in: "Load:\n\n  source x", want: "Load:\n\n```\n  source x\n```"},
		{name: "blank after", in: "x\n\ty\n\nz", want: "x\n\n```\n\ty\n```\n\nz"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := preformatIndented(tc.in); got != tc.want {
				t.Errorf("preformatIndented(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestInsertSections(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, page, want string }{
		{name: "before see also", page: ".SH OPTIONS\nx\n.SH SEE ALSO\ny\n", want: ".SH OPTIONS\nx\n.SH NEW\n.SH SEE ALSO\ny\n"},
		{name: "no see also", page: ".SH OPTIONS\nx", want: ".SH OPTIONS\nx\n.SH NEW\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := string(insertSections([]byte(tc.page), ".SH NEW\n")); got != tc.want {
				t.Errorf("insertSections(%q) = %q, want %q", tc.page, got, tc.want)
			}
		})
	}
}

// TestGenerate checks the layout and the sections reqs(1) promises, on a
// small tree, and that a second run gives the same bytes.
func TestGenerate(t *testing.T) {
	t.Parallel()
	tree := func() *cobra.Command {
		root := &cobra.Command{Use: "reqs", Short: "HTTP for humans", Run: func(*cobra.Command, []string) {}}
		root.Flags().String("style", "auto", "colour style")
		root.AddCommand(&cobra.Command{Use: "get URL", Short: "Send a GET request", Run: func(*cobra.Command, []string) {}})
		return root
	}
	dir := t.TempDir()
	// A page of a command that no longer exists is removed.
	if err := os.MkdirAll(filepath.Join(dir, "man"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "man", "reqs-gone.1"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := generate(tree(), dir); err != nil {
		t.Fatalf("generate: %v", err)
	}
	files := []string{
		"completions/reqs.bash", "completions/_reqs", "completions/reqs.fish", "completions/reqs.ps1",
		"man/reqs.1", "man/reqs-get.1",
	}
	first := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Errorf("generate wrote no %s: %v", f, err)
			continue
		}
		first[f] = string(b)
	}
	if _, err := os.Stat(filepath.Join(dir, "man", "reqs-gone.1")); !os.IsNotExist(err) {
		t.Errorf("stale man/reqs-gone.1 still there (stat: %v)", err)
	}
	page := first["man/reqs.1"]
	for _, want := range []string{".SH EXAMPLES\n", ".SH EXIT STATUS\n", ".SH FILES\n", "http\\-client.env.json", "\\fB64\\fP\n", "\\fB130\\fP\n", `"Nov 2026" "reqs" "reqs manual"`} {
		if !strings.Contains(page, want) {
			t.Errorf("man/reqs.1 lacks %q", want)
		}
	}
	if strings.Index(page, ".SH EXIT STATUS") > strings.Index(page, ".SH SEE ALSO") {
		t.Errorf("man/reqs.1: EXIT STATUS comes after SEE ALSO")
	}
	if strings.Contains(first["man/reqs-get.1"], ".SH EXAMPLES") {
		t.Errorf("man/reqs-get.1 has reqs(1)'s EXAMPLES section")
	}
	if strings.Contains(page, "HISTORY") {
		t.Errorf("man/reqs.1 has a HISTORY section, which dates the page")
	}

	if err := generate(tree(), dir); err != nil {
		t.Fatalf("second generate: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != first[f] {
			t.Errorf("%s differs between two runs", f)
		}
	}
}

// TestExamplesComeFromREADME keeps reqs(1)'s EXAMPLES in step with the
// README, whose examples are run by the README test at the repo root.
func TestExamplesComeFromREADME(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range cmd.HelpExamples()[1:] {
		for _, line := range strings.Split(ex.Command, "\n") {
			if !strings.Contains(string(readme), "\n"+line+"\n") && !strings.Contains(string(readme), "\n"+line+"   #") {
				t.Errorf("example %q is not a README line; take man page examples from the README", line)
			}
		}
	}
}

// The OPTIONS of the real tree read as --help does: placeholders for
// values, -v, -vv for counted flags, never cobra's --print="" or
// --verbose[=0].
func TestOptionsSection(t *testing.T) {
	t.Parallel()
	root := cmd.NewRootCommand()
	page := string(replaceOptions([]byte(".SH NAME\nreqs\n.SH OPTIONS\nold\n.SH OPTIONS INHERITED FROM PARENT COMMANDS\nold\n.SH SEE ALSO\nx\n"), optionsSection(root)))
	for _, want := range []string{
		".SH OPTIONS\n.TP\n",
		"\\fB\\-p\\fP, \\fB\\-\\-print\\fP \\fIWHAT\\fP\n",
		"\\fB\\-v\\fP, \\fB\\-vv\\fP, \\fB\\-\\-verbose\\fP\n",
		"\\fB\\-\\-style\\fP \\fISTYLE\\fP\n",
		".SH SEE ALSO\n",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("options section lacks %q:\n%.600s", want, page)
		}
	}
	for _, bad := range []string{"old\n", `=""`, "[=0]", "[=false]", "INHERITED"} {
		if strings.Contains(page, bad) {
			t.Errorf("options section holds %q", bad)
		}
	}
}
