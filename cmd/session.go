package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/reqs-cli/reqs/pkg/config"
	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/sessionfile"
	"github.com/reqs-cli/reqs/pkg/render"
	"github.com/spf13/cobra"
)

// sessionOptions is what the session commands need: dependencies first,
// then what the user typed.
type sessionOptions struct {
	IO *IOStreams
	// Getenv reads the environment (the config directory).
	Getenv func(string) string

	Name        string // NAME or PATH
	Host        string // --host: host or host:port
	ShowSecrets bool
	ImportPath  string
}

// newSessionCmd builds `reqs session list|show|rm|path|import-httpie`.
func newSessionCmd(ios *IOStreams) *cobra.Command {
	c := &cobra.Command{
		Use:   "session",
		Short: "Manage named sessions stored on disk",
		Long: `Named sessions keep headers, auth, cookies and connection settings between
invocations: reqs --session NAME URL. They live in
<config dir>/sessions/<host>[_<port>]/<NAME>.json; --session also takes a
file path (a value with '/' or ending in .json).`,
		Annotations: map[string]string{skipConfigAnnotation: "1"},
		Args:        noArgs,
	}
	newOpts := func() *sessionOptions {
		return &sessionOptions{IO: ios, Getenv: ios.Getenv}
	}

	listOpts := newOpts()
	list := &cobra.Command{
		Use:   "list [--host HOST]",
		Short: "List sessions: host, name, cookie count and modification time",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runSessionList(c.Context(), listOpts)
		},
	}
	list.Flags().StringVar(&listOpts.Host, "host", "", "only the sessions of `HOST` (host or host:port)")

	showOpts := newOpts()
	show := &cobra.Command{
		Use:   "show NAME --host HOST",
		Short: "Print a session as JSON, secrets masked unless --show-secrets",
		Args:  wantArgs(1, 1, "one session NAME (or a session file PATH)"),
		RunE: func(c *cobra.Command, args []string) error {
			showOpts.Name = args[0]
			return runSessionShow(c.Context(), showOpts)
		},
	}
	show.Flags().StringVar(&showOpts.Host, "host", "", "the session's `HOST` (host or host:port)")
	show.Flags().BoolVar(&showOpts.ShowSecrets, "show-secrets", false, "print passwords, tokens and cookie values")

	rmOpts := newOpts()
	rm := &cobra.Command{
		Use:   "rm NAME --host HOST",
		Short: "Delete a session",
		Args:  wantArgs(1, 1, "one session NAME (or a session file PATH)"),
		RunE: func(c *cobra.Command, args []string) error {
			rmOpts.Name = args[0]
			return runSessionRm(c.Context(), rmOpts)
		},
	}
	rm.Flags().StringVar(&rmOpts.Host, "host", "", "the session's `HOST` (host or host:port)")

	pathOpts := newOpts()
	path := &cobra.Command{
		Use:   "path NAME --host HOST",
		Short: "Print a session's file path (whether or not it exists yet)",
		Args:  wantArgs(1, 1, "one session NAME (or a session file PATH)"),
		RunE: func(c *cobra.Command, args []string) error {
			pathOpts.Name = args[0]
			return runSessionPath(c.Context(), pathOpts)
		},
	}
	path.Flags().StringVar(&pathOpts.Host, "host", "", "the session's `HOST` (host or host:port)")

	impOpts := newOpts()
	imp := &cobra.Command{
		Use:   "import-httpie PATH [--name NAME] [--host HOST]",
		Short: "Convert an HTTPie session file into a reqs session",
		Long: `Reads an HTTPie session file (~/.config/httpie/sessions/<host>/<name>.json)
and writes the reqs session of the same host and name; --host and --name
override what the file's location says. An existing reqs session is never
overwritten.`,
		Args: wantArgs(1, 1, "one HTTPie session file PATH"),
		RunE: func(c *cobra.Command, args []string) error {
			impOpts.ImportPath = args[0]
			return runSessionImportHTTPie(c.Context(), impOpts)
		},
	}
	imp.Flags().StringVar(&impOpts.Name, "name", "", "the new session's `NAME` (default: the file's name)")
	imp.Flags().StringVar(&impOpts.Host, "host", "", "the session's `HOST` (default: the file's directory name)")

	c.AddCommand(list, show, rm, path, imp)
	return c
}

// sessionPathFor resolves NAME --host HOST (or a PATH) to a session file.
func sessionPathFor(o *sessionOptions) (string, error) {
	dir, err := config.Dir(o.Getenv)
	if err != nil {
		return "", err
	}
	if sessionfile.IsPath(o.Name) {
		return o.Name, nil
	}
	if o.Host == "" {
		return "", usageErrorf("session %q: --host HOST is needed with a session name", o.Name)
	}
	hostDir, err := sessionfile.HostFlagDir(o.Host)
	if err != nil {
		return "", usageErrorf("--host: %v", err)
	}
	p, err := sessionfile.Path(dir, o.Name, hostDir)
	if err != nil {
		return "", usageErrorf("%v", err)
	}
	return p, nil
}

func runSessionList(_ context.Context, o *sessionOptions) error {
	dir, err := config.Dir(o.Getenv)
	if err != nil {
		return err
	}
	hostDir := ""
	if o.Host != "" {
		if hostDir, err = sessionfile.HostFlagDir(o.Host); err != nil {
			return usageErrorf("--host: %v", err)
		}
	}
	infos, err := sessionfile.List(dir, hostDir)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(o.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "HOST\tNAME\tCOOKIES\tMODIFIED")
	for _, s := range infos {
		cookies := fmt.Sprint(s.Cookies)
		if s.Err != nil {
			cookies = "unreadable"
			o.IO.Warnf("%v", s.Err)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Host, s.Name, cookies, s.Modified.Local().Format("2006-01-02 15:04:05"))
	}
	return tw.Flush()
}

func runSessionShow(_ context.Context, o *sessionOptions) error {
	p, err := sessionPathFor(o)
	if err != nil {
		return err
	}
	f, err := sessionfile.Read(p)
	if err != nil {
		return err
	}
	s := f.Session
	if !f.Exists {
		return noSession(o, p)
	}
	if !o.ShowSecrets {
		s = s.Redacted()
	}
	data, err := s.Encode()
	if err != nil {
		return err
	}
	if o.IO.ColorEnv {
		// On a terminal, coloured as response bodies are.
		return render.JSON(o.IO.Out, bytes.NewReader(data), render.Options{Color: true, Format: true, Indent: 2, Terminal: true})
	}
	_, err = o.IO.Out.Write(data)
	return err
}

func runSessionRm(_ context.Context, o *sessionOptions) error {
	p, err := sessionPathFor(o)
	if err != nil {
		return err
	}
	if err := sessionfile.Remove(p); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return noSession(o, p)
		}
		return err
	}
	return nil
}

// noSession is the error for a session that is not stored: it names the
// session as the user did, and where it was looked for.
func noSession(o *sessionOptions, path string) error {
	if sessionfile.IsPath(o.Name) {
		return fmt.Errorf("session file %s does not exist", path)
	}
	return fmt.Errorf("session %q of %s does not exist (no file %s; reqs session list shows the sessions there are)", o.Name, o.Host, path)
}

func runSessionPath(_ context.Context, o *sessionOptions) error {
	p, err := sessionPathFor(o)
	if err != nil {
		return err
	}
	fmt.Fprintln(o.IO.Out, p)
	return nil
}

// runSessionImportHTTPie converts an HTTPie session. The host and name
// default to HTTPie's layout, sessions/<host>[_<port>]/<name>.json, which
// is also reqs'.
func runSessionImportHTTPie(_ context.Context, o *sessionOptions) error {
	data, err := o.IO.readFile(o.ImportPath)
	if err != nil {
		return usageErrorf("import-httpie: %v", httpclient.Reason(err))
	}
	name := o.Name
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(o.ImportPath), ".json")
	}
	if sessionfile.IsPath(name) {
		return usageErrorf("--name %q: give a session name, not a path", name)
	}
	host := o.Host
	if host == "" {
		abs, err := filepath.Abs(o.ImportPath)
		if err != nil {
			return err
		}
		host = sessionfile.HostFromDir(filepath.Base(filepath.Dir(abs)))
	}
	s, err := sessionfile.ImportHTTPie(o.ImportPath, data, host)
	if err != nil {
		return err
	}
	p, err := sessionPathFor(&sessionOptions{Getenv: o.Getenv, Name: name, Host: host})
	if err != nil {
		return err
	}
	if err := sessionfile.Create(p, s); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("session %q for %s already exists (%s): remove it first with `reqs session rm %s --host %s`", name, host, p, name, host)
		}
		return err
	}
	fmt.Fprintln(o.IO.Out, p)
	return nil
}
