// Command chromacopy copies chroma's style and lexer definitions (XML) into
// pkg/render/chroma, where pkg/render embeds them.
//
// reqs does not import chroma's styles and lexers packages: they parse
// every definition they hold when the program starts (about 18 ms and
// 105 ms, measured with GODEBUG=inittrace=1), whatever the run needs.
// Embedding chroma's own files and parsing only the chosen style (with
// chroma.NewXMLStyle) or lexer (with pkg/render's own lexer, which runs
// chroma's rules within a time budget) costs nothing at start-up.
// `go generate ./...` runs this after a chroma upgrade; pkg/render's
// TestChromaCopiesAreCurrent fails while the copies are stale.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Lexers lists the lexer definitions reqs uses, by file name in chroma's
// lexers/embedded directory.
var Lexers = []string{"css.xml", "graphql.xml", "html.xml", "javascript.xml", "xml.xml", "yaml.xml"}

func main() {
	dir := flag.String("dir", "pkg/render/chroma", "destination directory")
	flag.Parse()
	if err := run(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "chromacopy:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/alecthomas/chroma/v2").Output()
	if err != nil {
		return fmt.Errorf("locate chroma: %w", err)
	}
	src := strings.TrimSpace(string(out))
	styles, err := filepath.Glob(filepath.Join(src, "styles", "*.xml"))
	if err != nil {
		return err
	}
	var files [][2]string
	for _, s := range styles {
		files = append(files, [2]string{s, filepath.Join(dir, "styles", filepath.Base(s))})
	}
	for _, l := range Lexers {
		files = append(files, [2]string{filepath.Join(src, "lexers", "embedded", l), filepath.Join(dir, "lexers", l)})
	}
	files = append(files, [2]string{filepath.Join(src, "COPYING"), filepath.Join(dir, "COPYING")})
	if err := os.RemoveAll(filepath.Join(dir, "styles")); err != nil {
		return err
	}
	for _, f := range files {
		b, err := os.ReadFile(f[0])
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(f[1]), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(f[1], b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
