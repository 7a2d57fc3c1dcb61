package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// readmeAddresses maps the addresses README examples use (the local
// `reqs httpbin` on 8080, a proxy, a TLS server) to the fixtures a
// scenario started, so the examples run exactly as written otherwise.
func readmeAddresses(getenv func(string) string) *strings.Replacer {
	return strings.NewReplacer(
		"https://localhost:8443", "https://localhost:"+getenv("HTTPBIN_TLS_PORT"),
		"example.test:8080", "example.test:"+getenv("HTTPBIN_PORT"),
		"http://127.0.0.1:3128", getenv("PROXY"),
		"socks5h://127.0.0.1:1080", "socks5h://"+getenv("SOCKS_HOST"),
		" ca.pem ", " "+getenv("CA_FILE")+" ",
		":8080", ":"+getenv("HTTPBIN_PORT"),
	)
}

// cmdReadme runs one README example: `readme EXIT COMMAND`, the command
// with its addresses mapped to this scenario's fixtures, through sh.
func cmdReadme(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: readme EXIT COMMAND")
	}
	cmd := readmeAddresses(ts.Getenv).Replace(args[1])
	cmdExits(ts, false, []string{args[0], "sh", "-c", cmd})
}

// readmeExitPattern reads an example's expected exit status from its
// trailing comment: `reqs ... # exit status 4`.
var readmeExitPattern = regexp.MustCompile(`\s+#\s*exit status (\d+)\s*$`)

// readmeFiles are the files README examples name, created in each
// scenario's work directory.
const readmeFiles = `-- gopher.png --
not really a png
-- payload.json --
{"from": "a file"}
-- token-helper.sh --
#!/bin/sh
# token-helper.sh: reads the request on stdin, answers with headers.
cat > /dev/null
token=$(cat "$HOME/.config/my-api/token" 2>/dev/null || echo dev-token)
printf '{"headers": {"Authorization": "Bearer %s"}, "expires_in": 300}\n' "$token"
`

// readmeExample is one `reqs` command line of a README code block.
type readmeExample struct {
	line    int
	command string
	exit    string
}

// readmeExamples returns the README's shell code blocks that run reqs,
// each as the list of its reqs command lines.
func readmeExamples(t *testing.T) [][]readmeExample {
	t.Helper()
	f, err := os.Open("README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var blocks [][]readmeExample
	var cur []readmeExample
	inShell := false
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "```sh"):
			inShell, cur = true, nil
		case strings.HasPrefix(line, "```") && inShell:
			inShell = false
			if len(cur) > 0 {
				blocks = append(blocks, cur)
			}
		case inShell && (strings.HasPrefix(line, "reqs ") || strings.Contains(line, "| reqs ")):
			ex := readmeExample{line: n, command: line, exit: "0"}
			if m := readmeExitPattern.FindStringSubmatch(line); m != nil {
				ex.exit = m[1]
				ex.command = line[:len(line)-len(m[0])]
			}
			cur = append(cur, ex)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return blocks
}

// TestREADMEExamples runs every reqs example of the README, in order
// within its code block (later examples may rely on earlier ones, such as
// a session being saved), each as a phase of a generated testscript
// scenario against the same fixtures as testdata/scripts. An example that
// stops working fails here, so the README cannot rot.
func TestREADMEExamples(t *testing.T) {
	blocks := readmeExamples(t)
	if len(blocks) < 5 {
		t.Fatalf("found %d README blocks with reqs examples; the parser or the README is broken", len(blocks))
	}
	dir := t.TempDir()
	total := 0
	for i, block := range blocks {
		var b strings.Builder
		for _, ex := range block {
			total++
			fmt.Fprintf(&b, "# README.md:%d: %s\n", ex.line, ex.command)
			fmt.Fprintf(&b, "readme %s '%s'\n", ex.exit, strings.ReplaceAll(ex.command, "'", "''"))
			if ex.exit == "0" {
				b.WriteString("! stderr 'reqs: error'\n")
			} else {
				b.WriteString("stderr .\n")
			}
			b.WriteString("\n")
		}
		b.WriteString(readmeFiles)
		name := filepath.Join(dir, fmt.Sprintf("readme_block%02d_line%d.txtar", i+1, block[0].line))
		if err := os.WriteFile(name, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("running %d README examples in %d blocks", total, len(blocks))
	cmds := map[string]func(*testscript.TestScript, bool, []string){"readme": cmdReadme}
	for name, f := range scriptCmds {
		cmds[name] = f
	}
	runWithExamples(t, dir, cmds)
}
