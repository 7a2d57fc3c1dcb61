package sessionfile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/gofrs/flock"

	"github.com/reqs-cli/reqs/pkg/httpclient"
)

// ErrParse is wrapped by errors for a session file that cannot be
// read as one; such a file is never overwritten.
var ErrParse = errors.New("cannot parse session file")

// LockPath is the lock file beside a session file: ".NAME.json.lock".
// The session file itself cannot carry the lock, as every save replaces
// it by rename and a waiter would then hold a lock on the old file.
func LockPath(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".lock")
}

// File is a session file in use: read by [Read], or held under an
// exclusive advisory lock from [Lock] until Close, so that a
// read-modify-write by one process is never interleaved with another's:
// parallel invocations on one session lose no cookie. Between them,
// [File.Apply] installs it into an [httpclient.Session] and [File.Save]
// writes back what that use changed.
type File struct {
	// Path is the session file.
	Path string
	// Session is what the file held when it was read (an empty session
	// when it did not exist), with expired cookies dropped.
	Session *Session
	// Exists reports whether the file existed when it was read.
	Exists bool

	lock *flock.Flock // nil when read without the lock
	// applied is what Apply left in the session, to tell what changed.
	applied *applied
}

// Lock takes the exclusive lock of the session file at path, creating
// its directory (mode 0700) when missing, waits while another process
// holds it, and reads the file. A file that cannot be parsed is an error
// wrapping [ErrParse] that names the file and position; the lock is
// released then.
func Lock(path string) (*File, error) {
	f, ok, err := lock(path, true)
	if err == nil && !ok {
		err = fmt.Errorf("lock session %s: not taken", path)
	}
	return f, err
}

// TryLock is Lock that does not wait: ok is false (and f nil) when
// another process holds the lock.
func TryLock(path string) (f *File, ok bool, err error) {
	return lock(path, false)
}

func lock(path string, wait bool) (*File, bool, error) {
	if err := ensurePrivateDir(filepath.Dir(path)); err != nil {
		return nil, false, fmt.Errorf("session %s: %w", path, err)
	}
	lk := flock.New(LockPath(path), flock.SetPermissions(0o600))
	ok, err := lk.TryLock()
	if err != nil {
		return nil, false, fmt.Errorf("lock session %s: %w", path, err)
	}
	if !ok {
		if !wait {
			return nil, false, nil
		}
		if err := lk.Lock(); err != nil {
			return nil, false, fmt.Errorf("lock session %s: %w", path, err)
		}
	}
	s, exists, err := readSession(path)
	if err != nil {
		lk.Unlock()
		return nil, false, err
	}
	return &File{Path: path, Session: s, Exists: exists, lock: lk}, true, nil
}

// Read reads a session file without locking it, for a use that saves
// nothing: every save replaces the file by rename, so a reader sees one
// whole version and never waits for a writer. A missing file gives an
// empty session.
func Read(path string) (*File, error) {
	s, exists, err := readSession(path)
	if err != nil {
		return nil, err
	}
	return &File{Path: path, Session: s, Exists: exists}, nil
}

// write writes s to the file atomically: a temporary file in the same
// directory, written with mode 0600, synced, then renamed over the file,
// so a reader or a crash sees the old content or the new, never a part.
// Expired cookies are dropped. The lock stays held.
func (f *File) write(s *Session) error {
	if f.lock == nil || !f.lock.Locked() {
		return fmt.Errorf("session %s: saved without its lock", f.Path)
	}
	return writeSession(f.Path, s, time.Now())
}

// Close releases the lock; it may be called more than once.
func (f *File) Close() error {
	if f.lock == nil {
		return nil
	}
	return f.lock.Unlock()
}

func readSession(path string) (*Session, bool, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Session{Version: Version}, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read session %s: %w", path, err)
	}
	s, err := parseSession(path, data)
	if err != nil {
		return nil, true, err
	}
	s.dropExpired(time.Now())
	return s, true, nil
}

// parseSession decodes a session file, naming path and the position of a
// syntax error. go-json-experiment/json decodes a large jar about twice
// as fast as encoding/json.
func parseSession(path string, data []byte) (*Session, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%w %s: empty file", ErrParse, path)
	}
	var d diskSession
	if err := json.Unmarshal(data, &d, jsontext.AllowInvalidUTF8(true)); err != nil {
		if looksLikeHTTPie(data) {
			return nil, httpieError(path)
		}
		return nil, jsonError(path, data, err)
	}
	s := d.fromDisk()
	switch {
	case s.Version == 0 && looksLikeHTTPie(data):
		return nil, httpieError(path)
	case s.Version == 0:
		s.Version = Version
	case s.Version > Version:
		return nil, fmt.Errorf("%w %s: version %d is newer than this reqs understands (%d)", ErrParse, path, s.Version, Version)
	case s.Version < 0:
		return nil, fmt.Errorf("%w %s: invalid version %d", ErrParse, path, s.Version)
	}
	if bytes.Contains(data, []byte(`"verify"`)) || bytes.Contains(data, []byte(`"timeout"`)) {
		// Written before the settings were typed.
		var l legacySettings
		if err := json.Unmarshal(data, &l, jsontext.AllowInvalidUTF8(true)); err != nil {
			return nil, jsonError(path, data, err)
		}
		if err := s.migrate(l); err != nil {
			return nil, fmt.Errorf("%w %s: %w", ErrParse, path, err)
		}
	}
	return s, nil
}

func httpieError(path string) error {
	return fmt.Errorf("%w %s: this is an HTTPie session; convert it with `reqs session import-httpie %s`", ErrParse, path, path)
}

// jsonError wraps a decoding error with the file and its line and column.
func jsonError(path string, data []byte, err error) error {
	offset := int64(-1)
	var syn *jsontext.SyntacticError
	var sem *json.SemanticError
	switch {
	case errors.As(err, &syn):
		offset = syn.ByteOffset
	case errors.As(err, &sem):
		offset = sem.ByteOffset
	}
	// The file is never overwritten, so saying so tells the user to act.
	why := &parseError{msg: syntaxReason(err) + " (fix or remove the file; reqs leaves it untouched)", err: err}
	if offset < 0 {
		return fmt.Errorf("%w %s: %w", ErrParse, path, why)
	}
	line, col := position(data, offset)
	return fmt.Errorf("%w %s: line %d, column %d: %w", ErrParse, path, line, col, why)
}

// syntaxReason words a JSON decoding error without the decoder's
// package name and byte offset (the caller gives line and column):
// "invalid character '}' at start of value", or for a value of the
// wrong kind "at /cookies/0/name: want string, not number".
func syntaxReason(err error) string {
	var syn *jsontext.SyntacticError
	var sem *json.SemanticError
	switch {
	case errors.As(err, &syn) && syn.Err != nil:
		return syn.Err.Error()
	case errors.As(err, &sem):
		where := string(sem.JSONPointer)
		if where == "" {
			where = "top level"
		}
		if sem.GoType != nil && sem.JSONKind != 0 {
			return fmt.Sprintf("at %s: want %s, not %s", where, jsonKindOf(sem.GoType.Kind().String()), sem.JSONKind)
		}
		if sem.Err != nil {
			return fmt.Sprintf("at %s: %s", where, httpclient.PlainMessage(sem.Err.Error()))
		}
		return "invalid value at " + where
	}
	return httpclient.PlainMessage(err.Error())
}

// jsonKindOf names the JSON kind a Go kind is read from.
func jsonKindOf(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "array"
	case "struct", "map":
		return "object"
	}
	return "number"
}

// parseError is a file's syntax error in words a user reads; the
// parser's own error stays in the chain for --debug.
type parseError struct {
	msg string
	err error
}

func (e *parseError) Error() string { return e.msg }
func (e *parseError) Unwrap() error { return e.err }

// looksLikeHTTPie reports whether data carries HTTPie's "__meta__" key.
func looksLikeHTTPie(data []byte) bool {
	var probe struct {
		Meta jsontext.Value `json:"__meta__"`
	}
	return json.Unmarshal(data, &probe) == nil && probe.Meta != nil
}

// writeSession encodes s and replaces path with it atomically.
func writeSession(path string, s *Session, now time.Time) error {
	out := *s
	out.Version = Version
	out.Cookies = append([]Cookie(nil), s.Cookies...)
	out.dropExpired(now)
	if out.Headers == nil {
		out.Headers = []Header{}
	}
	if out.Cookies == nil {
		out.Cookies = []Cookie{}
	}
	data, err := encodeSession(&out)
	if err != nil {
		return fmt.Errorf("encode session %s: %w", path, err)
	}
	return writeFileAtomic(path, data)
}

// encodeSession is the file form: indented JSON with sorted map keys and
// one cookie per line, so that the file diffs well, can be edited by hand
// and is quick to write even with thousands of cookies. Invalid UTF-8
// (a header typed in a Latin-1 terminal) is replaced, not refused.
func encodeSession(s *Session) ([]byte, error) {
	head := toDisk(s)
	head.Cookies = nil
	data, err := json.Marshal(head, json.Deterministic(true), jsontext.WithIndent("  "), jsontext.AllowInvalidUTF8(true))
	if err != nil {
		return nil, err
	}
	// The top-level key is the only one at two spaces of indentation;
	// strings never hold a raw newline.
	const marker = "\n  \"cookies\": []"
	i := bytes.Index(data, []byte(marker))
	if i < 0 || len(s.Cookies) == 0 {
		return append(data, '\n'), nil
	}
	out := make([]byte, 0, len(data)+len(s.Cookies)*192)
	out = append(out, data[:i]...)
	out = append(out, "\n  \"cookies\": ["...)
	for k := range s.Cookies {
		if k > 0 {
			out = append(out, ',')
		}
		out = append(out, "\n    "...)
		out = appendCookie(out, &s.Cookies[k])
	}
	out = append(out, "\n  ]"...)
	out = append(out, data[i+len(marker):]...)
	return append(out, '\n'), nil
}

// appendCookie writes c as one line of JSON with the field names and
// omissions of Cookie's tags.
func appendCookie(b []byte, c *Cookie) []byte {
	str := func(b []byte, key, v string) []byte {
		b = append(b, key...)
		// Invalid UTF-8 is replaced and the error, which says only
		// that, is dropped, as for the rest of the file.
		b, _ = jsontext.AppendQuote(b, v)
		return b
	}
	b = str(b, `{"name": `, c.Name)
	b = str(b, `, "value": `, c.Value)
	b = str(b, `, "domain": `, c.Domain)
	b = append(b, `, "host_only": `...)
	b = strconv.AppendBool(b, c.HostOnly)
	b = str(b, `, "path": `, c.Path)
	if c.Expires != 0 {
		b = append(b, `, "expires": `...)
		b = strconv.AppendInt(b, c.Expires, 10)
	}
	b = append(b, `, "secure": `...)
	b = strconv.AppendBool(b, c.Secure)
	b = append(b, `, "http_only": `...)
	b = strconv.AppendBool(b, c.HTTPOnly)
	if c.SameSite != "" {
		b = str(b, `, "same_site": `, c.SameSite)
	}
	return append(b, '}')
}

// writeFileAtomic writes data to a temporary file beside path (mode 0600),
// syncs it, renames it over path and syncs the directory.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := ensurePrivateDir(dir); err != nil {
		return fmt.Errorf("save session %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("save session %s: %w", path, err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("save session %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("save session %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save session %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save session %s: %w", path, err)
	}
	done = true
	if d, err := os.Open(dir); err == nil {
		// The rename is durable only once the directory is synced; a
		// failure here leaves a valid file either way.
		d.Sync()
		d.Close()
	}
	return nil
}

// Remove deletes a session file (under its lock) and its lock
// file. A missing file is an error wrapping fs.ErrNotExist.
func Remove(path string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("session %s: %w", path, err)
	}
	lk := flock.New(LockPath(path), flock.SetPermissions(0o600))
	if err := lk.Lock(); err != nil {
		return fmt.Errorf("lock session %s: %w", path, err)
	}
	defer lk.Unlock()
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("remove session %s: %w", path, err)
	}
	os.Remove(LockPath(path))
	return nil
}

// Info describes one stored session for `reqs session list`.
type Info struct {
	// Host is host or host:port, as --host takes it.
	Host string
	Name string
	Path string
	// Cookies counts the unexpired cookies.
	Cookies  int
	Modified time.Time
	// Err is set when the file cannot be parsed; the other counts are
	// then zero.
	Err error
}

// List lists the sessions under <dir>/sessions, of one host
// directory when hostDir is not empty, sorted by host and name.
func List(dir, hostDir string) ([]Info, error) {
	root := filepath.Join(dir, "sessions")
	var hosts []string
	if hostDir != "" {
		hosts = []string{hostDir}
	} else {
		entries, err := os.ReadDir(root)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("list sessions: %w", err)
		}
		for _, e := range entries {
			if e.IsDir() {
				hosts = append(hosts, e.Name())
			}
		}
	}
	var out []Info
	for _, h := range hosts {
		entries, err := os.ReadDir(filepath.Join(root, h))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("list sessions: %w", err)
		}
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".json") {
				continue
			}
			p := filepath.Join(root, h, name)
			info := Info{Host: HostFromDir(h), Name: strings.TrimSuffix(name, ".json"), Path: p}
			if st, err := e.Info(); err == nil {
				info.Modified = st.ModTime()
			}
			s, _, err := readSession(p)
			if err != nil {
				info.Err = err
			} else {
				info.Cookies = len(s.Cookies)
			}
			out = append(out, info)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Host != out[j].Host {
			return out[i].Host < out[j].Host
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// Create writes a new session file at path; it fails with an error
// wrapping fs.ErrExist when the file is already there.
func Create(path string, s *Session) error {
	f, err := Lock(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if f.Exists {
		return fmt.Errorf("session %s: %w", path, fs.ErrExist)
	}
	return f.write(s)
}

// ensurePrivateDir creates dir and its missing parents with mode 0700, as
// sessions hold credentials. Existing directories keep their mode.
func ensurePrivateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create directory: %w", err)
	}
	return nil
}

// position turns a byte offset into a 1-based line and column.
func position(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	line, col = 1, 1
	for _, b := range data[:offset] {
		if b == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}
