package cmd

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"
)

// TestSubcommandNames keeps subcommandNames in step with the tree: a name
// missing from it would let newCommandTree build the root alone for a
// subcommand's arguments, and run them as a request.
func TestSubcommandNames(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := TestIOStreams()
	root := newRootCmd(ios)
	root.InitDefaultHelpCmd()
	want := []string{cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd}
	for _, c := range root.Commands() {
		want = append(want, c.Name())
		want = append(want, c.Aliases...)
	}
	got := slices.Clone(subcommandNames)
	slices.Sort(got)
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("subcommandNames (-tree +list):\n%s", diff)
	}
}

func TestNewCommandTree(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		full bool
	}{
		{args: []string{"http://example.test/get"}, full: false},
		{args: []string{"-v", "--timeout", "5", "POST", ":8080/post", "a=1"}, full: false},
		{args: []string{"purge", ":8080/x"}, full: false},
		{args: []string{"sesion", "list"}, full: false}, // a typo: the root refuses it
		{args: nil, full: true},
		{args: []string{"get", ":8080/get"}, full: true},
		{args: []string{"-v", "session", "list"}, full: true},
		{args: []string{"--session", "get", ":8080/get"}, full: true}, // a flag value: harmless
		{args: []string{"--help"}, full: true},
		{args: []string{"help", "get"}, full: true},
		{args: []string{cobra.ShellCompRequestCmd, "ge"}, full: true},
		{args: []string{"completion", "bash"}, full: true},
	}
	for _, tc := range tests {
		ios, _, _, _ := TestIOStreams()
		root := newCommandTree(ios, tc.args)
		if got := root.HasSubCommands(); got != tc.full {
			t.Errorf("newCommandTree(%q) has subcommands = %v, want %v", tc.args, got, tc.full)
		}
	}
}

// TestMistypedCommandWithoutTree checks that the root built alone still
// questions a mistyped subcommand.
func TestMistypedCommandWithoutTree(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := TestIOStreams()
	root := newCommandTree(ios, []string{"sesion", "list"})
	err := checkMistypedCommand(root, []string{"sesion", "list"})
	if err == nil || !slices.Contains([]string{`unknown command "sesion" (did you mean "session"?)`}, err.Error()) {
		t.Errorf("checkMistypedCommand(sesion list) = %v, want a suggestion of session", err)
	}
}

// Every command's wrong argument count is a usage error (exit 64) in
// reqs' words, never cobra's "accepts 1 arg(s), received 0".
func TestWrongArgumentCountsAreUsageErrors(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := TestIOStreams()
	root := newRootCmd(ios)
	many := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}
	checked := 0
	for _, c := range allCommands(root) {
		if c.Args == nil {
			t.Errorf("%s: no argument check", c.CommandPath())
			continue
		}
		for _, args := range [][]string{nil, many} {
			err := c.Args(c, args)
			if err == nil {
				continue
			}
			checked++
			var usage *usageError
			if !errors.As(err, &usage) {
				t.Errorf("%s with %d arguments: %T %q, want a usage error", c.CommandPath(), len(args), err, err)
				continue
			}
			if msg := err.Error(); !strings.HasPrefix(msg, c.CommandPath()+" ") || strings.Contains(msg, "arg(s)") {
				t.Errorf("%s with %d arguments: %q does not say it in reqs' words", c.CommandPath(), len(args), msg)
			}
		}
	}
	if checked < 8 {
		t.Errorf("only %d wrong counts were refused; the tree has lost its checks", checked)
	}
}
