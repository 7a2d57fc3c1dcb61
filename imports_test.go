package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestImportDirection keeps the package layers: imports flow cmd -> {config,
// render} -> httpclient, and only pkg/config imports viper. It checks
// direct imports: cmd reaches viper through pkg/config, as intended.
func TestImportDirection(t *testing.T) {
	t.Parallel()
	const mod = "github.com/reqs-cli/reqs/"
	forbidden := map[string][]string{
		"pkg/httpclient/...": {mod + "cmd", mod + "pkg/render", mod + "pkg/config", mod + "pkg/httpfile", "github.com/spf13/cobra", "github.com/spf13/viper"},
		"pkg/render":         {mod + "cmd", mod + "pkg/config", "github.com/spf13/cobra", "github.com/spf13/viper"},
		"pkg/config":         {mod + "cmd", mod + "pkg/render", "github.com/spf13/cobra"},
		"cmd":                {"github.com/spf13/viper"},
		"pkg/jq":             {mod + "cmd", mod + "pkg/render", mod + "pkg/config", mod + "pkg/httpclient", "github.com/spf13/cobra", "github.com/spf13/viper"},
	}
	for pkg, bad := range forbidden {
		t.Run(pkg, func(t *testing.T) {
			t.Parallel()
			out, err := exec.Command("go", "list", "-f", `{{join .Imports " "}} {{join .TestImports " "}}`, "./"+pkg).Output()
			if err != nil {
				t.Fatalf("go list ./%s: %v", pkg, err)
			}
			deps := strings.Fields(string(out))
			for _, d := range deps {
				for _, b := range bad {
					if d == b || strings.HasPrefix(d, b+"/") {
						t.Errorf("%s imports %s, against the direction imports flow in", pkg, d)
					}
				}
			}
		})
	}
}

// TestLibraryStandsAlone keeps pkg/httpclient and its sub-packages a
// library of their own: they import no other package of this module (the
// session-file package included, which therefore links no config-file
// library either). Their tests may use the fault-injecting test servers.
func TestLibraryStandsAlone(t *testing.T) {
	t.Parallel()
	const mod = "github.com/reqs-cli/reqs/"
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}} | {{join .TestImports " "}} {{join .XTestImports " "}}`, "./pkg/httpclient/...").Output()
	if err != nil {
		t.Fatalf("go list ./pkg/httpclient/...: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		code, tests, _ := strings.Cut(line, " | ")
		fields := strings.Fields(code)
		pkg := fields[0]
		check := func(deps []string, allowed ...string) {
			for _, d := range deps {
				if !strings.HasPrefix(d, mod) || d == mod+"pkg/httpclient" || strings.HasPrefix(d, mod+"pkg/httpclient/") || slices.Contains(allowed, d) {
					continue
				}
				t.Errorf("%s imports %s: the library must stand alone", pkg, d)
			}
		}
		check(fields[1:])
		check(strings.Fields(tests), mod+"internal/testserver")
	}
}

// TestCmdHasNoDownloadLogic keeps downloads a library workflow:
// byte ranges, .part files and their names are the download package's, so
// cmd's code never builds or reads a Range or Content-Range header nor
// names a .part file itself. Comments and help text may mention them.
func TestCmdHasNoDownloadLogic(t *testing.T) {
	t.Parallel()
	banned := []string{`"Range"`, `"Content-Range"`, `"bytes=`, `"bytes `, `".part"`, `StatusPartialContent`, `StatusRequestedRangeNotSatisfiable`}
	for _, hit := range bannedInCode(t, "cmd/*.go", banned) {
		t.Errorf("%s handles downloads itself (%s); call pkg/httpclient/download instead", hit.where, hit.what)
	}
}

// bannedHit is a banned string found in code, and where.
type bannedHit struct{ where, what string }

// bannedInCode lists where the non-test Go files matching glob contain
// one of banned outside comments.
func bannedInCode(t *testing.T, glob string, banned []string) []bannedHit {
	t.Helper()
	files, err := filepath.Glob(glob)
	if err != nil {
		t.Fatal(err)
	}
	var hits []bannedHit
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(src), "\n") {
			code, _, _ := strings.Cut(line, "//")
			for _, b := range banned {
				if strings.Contains(code, b) {
					hits = append(hits, bannedHit{fmt.Sprintf("%s:%d", f, i+1), b})
				}
			}
		}
	}
	return hits
}

// TestCmdHasNoHTTPWorkflowLogic keeps the HTTP rules in the library, so
// that a Go program gets them without the command line: cmd neither parses Link headers nor walks pages, reads
// netrc files, follows redirects, or decides what a HEAD request implies
// itself; it calls Session.Pages, Session.Prepare, Session.Send,
// FollowsRedirects and ResponseHasBody.
func TestCmdHasNoHTTPWorkflowLogic(t *testing.T) {
	t.Parallel()
	banned := []string{
		`"Link"`, `ParseLinks`, `LinkByRel`, `.Links()`, `NextPageURL`, `.NextPage(`, // pagination
		`NetrcFromEnv`, `NetrcPath`, `LoadNetrc`, `ParseNetrc`, `.WithScheme(`, // netrc
		`"Location"`, `IsRedirect`, `.User.Password()`, // redirects and URL credentials
		`== "HEAD"`, `!= "HEAD"`, `MethodHead`, // what HEAD means: FollowsRedirects, ResponseHasBody
	}
	for _, hit := range bannedInCode(t, "cmd/*.go", banned) {
		t.Errorf("%s does the library's work (%s); call pkg/httpclient instead", hit.where, hit.what)
	}
}

// cmdFiles parses cmd's non-test Go files.
func cmdFiles(t *testing.T) (*token.FileSet, []*ast.File) {
	t.Helper()
	paths, err := filepath.Glob("cmd/*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return fset, files
}

// TestFlagGroupsHaveNoHooks keeps flag groups to flags: they turn into
// the exchange's plan by pure functions, and no group reaches into the
// session or another group through hooks that must run in an order
// (apply, preload, mergeOptions, load).
func TestFlagGroupsHaveNoHooks(t *testing.T) {
	t.Parallel()
	fset, files := cmdFiles(t)
	hooks := []string{"apply", "preload", "mergeOptions", "load"}
	for _, f := range files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || !slices.Contains(hooks, fd.Name.Name) {
				continue
			}
			recv := fd.Recv.List[0].Type
			if star, ok := recv.(*ast.StarExpr); ok {
				recv = star.X
			}
			if id, ok := recv.(*ast.Ident); ok && strings.HasSuffix(id.Name, "Flags") {
				t.Errorf("%s: %s.%s is a hook on a flag group; build the plan instead", fset.Position(fd.Pos()), id.Name, fd.Name.Name)
			}
		}
	}
}

// eachCall calls f with every function call in the bodies of files'
// functions, and the function it is in.
func eachCall(files []*ast.File, f func(fd *ast.FuncDecl, call *ast.CallExpr)) {
	for _, file := range files {
		for _, d := range file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok {
					f(fd, call)
				}
				return true
			})
		}
	}
}

// TestOneSendInCmd keeps the exchange in one place: every request the
// command line sends, single or from a request file, goes out through
// one function of cmd that calls Send, and nothing in cmd calls Do.
func TestOneSendInCmd(t *testing.T) {
	t.Parallel()
	fset, files := cmdFiles(t)
	senders := map[string][]string{}
	eachCall(files, func(fd *ast.FuncDecl, call *ast.CallExpr) {
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Send" || sel.Sel.Name == "Do") {
			senders[fd.Name.Name] = append(senders[fd.Name.Name], fset.Position(call.Pos()).String())
		}
	})
	if len(senders) != 1 || senders["sendExchange"] == nil {
		t.Errorf("functions of cmd that send: %v; want sendExchange alone", senders)
	}
}

// TestOneExchangeForEveryFrontEnd keeps the single request and `reqs run`
// on one path: only openExchange opens an exchange (exchange.Open), and
// both runRequest and the request-file runner (its open and send) open
// the exchange through openExchange and reach the network through
// sendExchange.
func TestOneExchangeForEveryFrontEnd(t *testing.T) {
	t.Parallel()
	_, files := cmdFiles(t)
	callers := map[string][]string{} // callee -> functions calling it
	eachCall(files, func(fd *ast.FuncDecl, call *ast.CallExpr) {
		var callee string
		switch fn := call.Fun.(type) {
		case *ast.Ident:
			callee = fn.Name
		case *ast.SelectorExpr:
			if pkg, ok := fn.X.(*ast.Ident); ok && pkg.Name == "exchange" {
				callee = "exchange." + fn.Sel.Name
			}
		}
		if callee != "" && !slices.Contains(callers[callee], fd.Name.Name) {
			callers[callee] = append(callers[callee], fd.Name.Name)
		}
	})
	if got := callers["exchange.Open"]; !slices.Equal(got, []string{"openExchange"}) {
		t.Errorf("functions of cmd that call exchange.Open: %v; want openExchange alone", got)
	}
	for callee, fronts := range map[string][]string{
		"openExchange": {"runRequest", "open"},
		"sendExchange": {"runRequest", "send"},
	} {
		for _, front := range fronts {
			if !slices.Contains(callers[callee], front) {
				t.Errorf("%s does not call %s (callers: %v); every front end goes through it", front, callee, callers[callee])
			}
		}
	}
}

// TestFlagGroupsKeepNoState keeps flag groups to the values the flags
// parse into: apart from register, which binds the fields to flags, no
// method of a flag group assigns to a field of its group, so no group
// carries state from one step of a request to the next.
func TestFlagGroupsKeepNoState(t *testing.T) {
	t.Parallel()
	fset, files := cmdFiles(t)
	for _, f := range files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || fd.Body == nil || fd.Name.Name == "register" || len(fd.Recv.List[0].Names) == 0 {
				continue
			}
			recv := fd.Recv.List[0].Type
			if star, ok := recv.(*ast.StarExpr); ok {
				recv = star.X
			}
			group, ok := recv.(*ast.Ident)
			if !ok || !strings.HasSuffix(group.Name, "Flags") {
				continue
			}
			self := fd.Recv.List[0].Names[0].Name
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				var targets []ast.Expr
				switch s := n.(type) {
				case *ast.AssignStmt:
					targets = s.Lhs
				case *ast.IncDecStmt:
					targets = []ast.Expr{s.X}
				}
				for _, lhs := range targets {
					if sel, ok := lhs.(*ast.SelectorExpr); ok {
						if id, ok := sel.X.(*ast.Ident); ok && id.Name == self {
							t.Errorf("%s: %s.%s sets %s.%s; derive values when asked, or put them in the plan", fset.Position(lhs.Pos()), group.Name, fd.Name.Name, self, sel.Sel.Name)
						}
					}
				}
				return true
			})
		}
	}
}
