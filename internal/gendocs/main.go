// Command gendocs regenerates reqs' shell completion scripts (completions/)
// and man pages (man/) from the cobra command tree. `go generate ./...`
// runs it from the repository root; gendocs_test.go at the root fails when
// the checked-in files differ from what it writes.
//
// Usage:
//
//	go run ./internal/gendocs [-dir DIR]
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/reqs-cli/reqs/cmd"
	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"github.com/spf13/pflag"
)

// manDate is the date in every man page's header. It is a constant, not
// the time of generation, so regenerating gives identical files and the
// up-to-date test stays stable; move it forward when the pages change in
// substance.
var manDate = time.Date(2026, time.November, 1, 0, 0, 0, 0, time.UTC)

// completionFiles are the scripts written to completions/, by file name.
var completionFiles = map[string]func(*cobra.Command, *bytes.Buffer) error{
	"reqs.bash": func(c *cobra.Command, b *bytes.Buffer) error { return c.GenBashCompletionV2(b, true) },
	"_reqs":     func(c *cobra.Command, b *bytes.Buffer) error { return c.GenZshCompletion(b) },
	"reqs.fish": func(c *cobra.Command, b *bytes.Buffer) error { return c.GenFishCompletion(b, true) },
	"reqs.ps1":  func(c *cobra.Command, b *bytes.Buffer) error { return c.GenPowerShellCompletionWithDesc(b) },
}

func main() {
	dir := flag.String("dir", ".", "write completions/ and man/ under `DIR`")
	flag.Parse()
	if err := generate(cmd.NewRootCommand(), *dir); err != nil {
		fmt.Fprintf(os.Stderr, "gendocs: %v\n", err)
		os.Exit(1)
	}
}

// generate writes root's completion scripts to dir/completions and its man
// pages to dir/man, removing pages of commands that no longer exist.
func generate(root *cobra.Command, dir string) error {
	compDir := filepath.Join(dir, "completions")
	if err := os.MkdirAll(compDir, 0o755); err != nil {
		return err
	}
	for name, gen := range completionFiles {
		var b bytes.Buffer
		if err := gen(root, &b); err != nil {
			return fmt.Errorf("completion %s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(compDir, name), b.Bytes(), 0o644); err != nil {
			return err
		}
	}

	manDir := filepath.Join(dir, "man")
	if err := os.MkdirAll(manDir, 0o755); err != nil {
		return err
	}
	stale, err := filepath.Glob(filepath.Join(manDir, "*.1"))
	if err != nil {
		return err
	}
	for _, p := range stale {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return writeManPages(root, manDir)
}

// writeManPages writes one page per available command, named like
// cobra's doc.GenManTree names them (reqs.1, reqs-get.1, ...).
func writeManPages(c *cobra.Command, manDir string) error {
	for _, sub := range c.Commands() {
		if !sub.IsAvailableCommand() || sub.IsAdditionalHelpTopicCommand() {
			continue
		}
		if err := writeManPages(sub, manDir); err != nil {
			return err
		}
	}
	// The HISTORY section cobra adds holds the generation date.
	c.DisableAutoGenTag = true
	c.Long = preformatIndented(c.Long)
	date := manDate
	header := &doc.GenManHeader{Section: "1", Date: &date, Source: "reqs", Manual: "reqs manual"}
	var b bytes.Buffer
	if err := doc.GenMan(c, header, &b); err != nil {
		return fmt.Errorf("man page of %q: %w", c.CommandPath(), err)
	}
	page := replaceOptions(b.Bytes(), optionsSection(c))
	switch {
	case !c.HasParent():
		page = insertSections(page, environmentSection()+filesSection()+examplesSection()+exitStatusSection())
	case c.Name() == "run" && !c.Parent().HasParent():
		page = insertSections(page, filesSection())
	}
	name := strings.ReplaceAll(c.CommandPath(), " ", "-") + ".1"
	return os.WriteFile(filepath.Join(manDir, name), page, 0o644)
}

// preformatIndented fences each run of indented lines of a command's long
// help, which are tables and command lines laid out for the terminal, so
// that man keeps them as written instead of filling them into a paragraph.
func preformatIndented(long string) string {
	lines := strings.Split(long, "\n")
	var out []string
	inBlock := false
	for _, line := range lines {
		indented := strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")
		switch {
		case indented && !inBlock:
			if len(out) > 0 && out[len(out)-1] != "" {
				out = append(out, "")
			}
			out = append(out, "```")
			inBlock = true
		case !indented && inBlock:
			out = append(out, "```")
			if line != "" {
				out = append(out, "")
			}
			inBlock = false
		}
		out = append(out, line)
	}
	if inBlock {
		out = append(out, "```")
	}
	return strings.Join(out, "\n")
}

// insertSections puts roff sections before SEE ALSO, where man-pages(7)
// orders EXAMPLES and EXIT STATUS, or at the end of a page without one.
func insertSections(page []byte, sections string) []byte {
	const seeAlso = "\n.SH SEE ALSO\n"
	i := bytes.Index(page, []byte(seeAlso))
	if i < 0 {
		out := append([]byte{}, page...)
		if len(out) > 0 && out[len(out)-1] != '\n' {
			out = append(out, '\n')
		}
		return append(out, sections...)
	}
	out := make([]byte, 0, len(page)+len(sections))
	out = append(out, page[:i+1]...)
	out = append(out, sections...)
	return append(out, page[i+1:]...)
}

// optionsSection lists c's flags as --help does (cmd.FlagSynopsis): the
// placeholder of a value, "-v, -vv" for a flag counted by repetition,
// never cobra's --print="" or --verbose[=0].
func optionsSection(c *cobra.Command) string {
	var b strings.Builder
	for _, set := range []struct {
		title string
		flags *pflag.FlagSet
	}{{"OPTIONS", c.NonInheritedFlags()}, {"OPTIONS INHERITED FROM PARENT COMMANDS", c.InheritedFlags()}} {
		if !set.flags.HasAvailableFlags() {
			continue
		}
		fmt.Fprintf(&b, ".SH %s\n", set.title)
		set.flags.VisitAll(func(fl *pflag.Flag) {
			if fl.Hidden || fl.Deprecated != "" {
				return
			}
			names, value := cmd.FlagSynopsis(fl)
			var head []string
			for _, n := range strings.Split(names, ", ") {
				head = append(head, `\fB`+roffEscape(n)+`\fP`)
			}
			line := strings.Join(head, ", ")
			if value != "" {
				line += ` \fI` + roffEscape(value) + `\fP`
			}
			fmt.Fprintf(&b, ".TP\n%s\n%s\n", line, roffEscape(cmd.FlagUsage(fl)))
		})
		b.WriteString("\n")
	}
	return b.String()
}

// replaceOptions puts options in place of the OPTIONS sections cobra
// wrote (those run to the next section that is not one of them).
func replaceOptions(page []byte, options string) []byte {
	start := bytes.Index(page, []byte("\n.SH OPTIONS"))
	if start < 0 {
		return insertSections(page, options)
	}
	end := start + 1
	for {
		next := bytes.Index(page[end+1:], []byte("\n.SH "))
		if next < 0 {
			end = len(page)
			break
		}
		end += 1 + next
		if !bytes.HasPrefix(page[end:], []byte("\n.SH OPTIONS")) {
			end++
			break
		}
	}
	out := append([]byte{}, page[:start+1]...)
	out = append(out, options...)
	return append(out, page[end:]...)
}

func filesSection() string {
	var b strings.Builder
	b.WriteString(".SH FILES\n")
	for _, f := range cmd.Files() {
		fmt.Fprintf(&b, ".TP\n\\fI%s\\fP\n%s\n", roffEscape(f.Path), roffEscape(f.Meaning))
	}
	return b.String()
}

func examplesSection() string {
	var b strings.Builder
	b.WriteString(".SH EXAMPLES\n")
	for _, e := range cmd.HelpExamples() {
		fmt.Fprintf(&b, ".PP\n%s\n.PP\n.RS\n.nf\n", roffEscape(e.Desc))
		for _, line := range strings.Split(e.Command, "\n") {
			b.WriteString(roffEscape(line) + "\n")
		}
		b.WriteString(".fi\n.RE\n")
	}
	return b.String()
}

func exitStatusSection() string {
	var b strings.Builder
	b.WriteString(".SH EXIT STATUS\n")
	for _, s := range cmd.ExitStatuses() {
		fmt.Fprintf(&b, ".TP\n\\fB%s\\fP\n%s\n", roffEscape(s.Code), roffEscape(s.Meaning))
	}
	return b.String()
}

func environmentSection() string {
	var b strings.Builder
	b.WriteString(".SH ENVIRONMENT\n")
	for _, v := range cmd.EnvVars() {
		fmt.Fprintf(&b, ".TP\n\\fB%s\\fP\n%s\n", roffEscape(v.Name), roffEscape(v.Meaning))
	}
	return b.String()
}

// roffEscape makes text safe as one line of roff input: backslashes and
// hyphen-minus signs are escaped (so options copy-paste as typed), and a
// leading '.' or apostrophe is kept from being read as a request.
func roffEscape(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}
