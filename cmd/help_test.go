package cmd

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/pflag"
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

func TestFlagSynopsis(t *testing.T) {
	t.Parallel()
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	var n int
	var s string
	var b bool
	fs.CountVarP(&n, "verbose", "v", "more")
	fs.StringVarP(&s, "print", "p", "", "what to print: `WHAT` letters")
	fs.StringVar(&s, "raw", "", "no placeholder named")
	fs.BoolVar(&b, "offline", false, "send nothing")
	tests := []struct{ flag, names, value string }{
		{"verbose", "-v, -vv, --verbose", ""},
		{"print", "-p, --print", "WHAT"},
		{"raw", "--raw", "VALUE"},
		{"offline", "--offline", ""},
	}
	for _, tc := range tests {
		names, value := FlagSynopsis(fs.Lookup(tc.flag))
		if names != tc.names || value != tc.value {
			t.Errorf("FlagSynopsis(--%s) = %q, %q; want %q, %q", tc.flag, names, value, tc.names, tc.value)
		}
	}
}

// Every flag of every command names what its value is (`WHAT`, `SECONDS`),
// so --help and the man pages never show a type (count, string) or the
// VALUE stand-in.
func TestEveryFlagNamesItsValue(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := TestIOStreams()
	for _, c := range allCommands(newRootCmd(ios)) {
		c.Flags().VisitAll(func(fl *pflag.Flag) {
			if _, value := FlagSynopsis(fl); value == "VALUE" {
				t.Errorf("%s --%s: its help names no `PLACEHOLDER` for its value", c.CommandPath(), fl.Name)
			}
		})
		var out strings.Builder
		c.SetOut(&out)
		if err := usage(c); err != nil {
			t.Fatal(err)
		}
		if m := typePlaceholder.FindString(out.String()); m != "" {
			t.Errorf("%s --help shows a type: %q", c.CommandPath(), m)
		}
	}
}

// typePlaceholder matches a flag line whose placeholder is a value type.
var typePlaceholder = regexp.MustCompile(`(?m)^ +(-\S+, )*--\S+ (count|string|strings|stringArray|int|float|float64|duration)   `)
