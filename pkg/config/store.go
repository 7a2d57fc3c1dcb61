package config

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

// ErrSessionParse is wrapped by errors for a session file that cannot be
// read as one; such a file is never overwritten.
var ErrSessionParse = errors.New("cannot parse session file")

// LockPath is the lock file beside a session file: ".NAME.json.lock".
// The session file itself cannot carry the lock, as every save replaces
// it by rename and a waiter would then hold a lock on the old file.
func LockPath(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".lock")
}

// SessionFile is a session file held under an exclusive advisory lock
// from [LockSession] until Close, so that a read-modify-write by one reqs
// process is never interleaved with another's: parallel invocations on one
// session lose no cookie.
type SessionFile struct {
	// Path is the session file.
	Path string
	// Session is what the file held when it was locked (an empty session
	// when it did not exist), with expired cookies dropped.
	Session *Session
	// Exists reports whether the file existed when it was locked.
	Exists bool

	lock *flock.Flock
}

// LockSession takes the exclusive lock of the session file at path,
// creating its directory (mode 0700) when missing, and reads it. When
// another process holds the lock, wait is called once (it may be nil)
// before blocking until the lock is free. A file that cannot be parsed is
// an error wrapping [ErrSessionParse] that names the file and position;
// the lock is released then.
func LockSession(path string, wait func()) (*SessionFile, error) {
	if err := ensurePrivateDir(filepath.Dir(path)); err != nil {
		return nil, fmt.Errorf("session %s: %w", path, err)
	}
	lk := flock.New(LockPath(path), flock.SetPermissions(0o600))
	ok, err := lk.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock session %s: %w", path, err)
	}
	if !ok {
		if wait != nil {
			wait()
		}
		if err := lk.Lock(); err != nil {
			return nil, fmt.Errorf("lock session %s: %w", path, err)
		}
	}
	s, exists, err := readSession(path)
	if err != nil {
		lk.Unlock()
		return nil, err
	}
	return &SessionFile{Path: path, Session: s, Exists: exists, lock: lk}, nil
}

// Save writes s to the file atomically: a temporary file in the same
// directory, written with mode 0600, synced, then renamed over the file,
// so a reader or a crash sees the old content or the new, never a part.
// Expired cookies are dropped. The lock stays held.
func (f *SessionFile) Save(s *Session) error {
	if f.lock == nil || !f.lock.Locked() {
		return fmt.Errorf("session %s: saved without its lock", f.Path)
	}
	return writeSession(f.Path, s, time.Now())
}

// Close releases the lock; it may be called more than once.
func (f *SessionFile) Close() error {
	if f.lock == nil {
		return nil
	}
	return f.lock.Unlock()
}

// ReadSession reads a session file without locking it: every write
// replaces the file by rename, so a reader sees one whole version. A
// missing file gives an empty session and exists false.
func ReadSession(path string) (s *Session, exists bool, err error) {
	return readSession(path)
}

func readSession(path string) (*Session, bool, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Session{Version: SessionVersion}, false, nil
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
		return nil, fmt.Errorf("%w %s: empty file", ErrSessionParse, path)
	}
	var s Session
	if err := json.Unmarshal(data, &s, jsontext.AllowInvalidUTF8(true)); err != nil {
		if looksLikeHTTPie(data) {
			return nil, httpieError(path)
		}
		return nil, jsonError(path, data, err)
	}
	switch {
	case s.Version == 0 && looksLikeHTTPie(data):
		return nil, httpieError(path)
	case s.Version == 0:
		s.Version = SessionVersion
	case s.Version > SessionVersion:
		return nil, fmt.Errorf("%w %s: version %d is newer than this reqs understands (%d)", ErrSessionParse, path, s.Version, SessionVersion)
	case s.Version < 0:
		return nil, fmt.Errorf("%w %s: invalid version %d", ErrSessionParse, path, s.Version)
	}
	return &s, nil
}

func httpieError(path string) error {
	return fmt.Errorf("%w %s: this is an HTTPie session; convert it with `reqs session import-httpie %s`", ErrSessionParse, path, path)
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
		return fmt.Errorf("%w %s: %w", ErrSessionParse, path, why)
	}
	line, col := position(data, offset)
	return fmt.Errorf("%w %s: line %d, column %d: %w", ErrSessionParse, path, line, col, why)
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
	out.Version = SessionVersion
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
	head := *s
	head.Cookies = nil
	data, err := json.Marshal(&head, json.Deterministic(true), jsontext.WithIndent("  "), jsontext.AllowInvalidUTF8(true))
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

// RemoveSession deletes a session file (under its lock) and its lock
// file. A missing file is an error wrapping fs.ErrNotExist.
func RemoveSession(path string) error {
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

// SessionInfo describes one stored session for `reqs session list`.
type SessionInfo struct {
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

// ListSessions lists the sessions under <dir>/sessions, of one host
// directory when hostDir is not empty, sorted by host and name.
func ListSessions(dir, hostDir string) ([]SessionInfo, error) {
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
	var out []SessionInfo
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
			info := SessionInfo{Host: HostFromDir(h), Name: strings.TrimSuffix(name, ".json"), Path: p}
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

// CreateSession writes a new session file at path; it fails with an error
// wrapping fs.ErrExist when the file is already there.
func CreateSession(path string, s *Session) error {
	f, err := LockSession(path, nil)
	if err != nil {
		return err
	}
	defer f.Close()
	if f.Exists {
		return fmt.Errorf("session %s: %w", path, fs.ErrExist)
	}
	return f.Save(s)
}
