// Package download saves response bodies to files as curl -O, wget and
// HTTPie's --download do, without ever leaving a file that looks complete
// but is not: the name a response asks for (Content-Disposition, else the
// URL), a NAME.part file renamed into place once the body is whole, and
// resuming a .part with a Range request.
package download

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/reqs-cli/reqs/pkg/httpclient"
)

// maxNameTries bounds the search for a free NAME-N.ext, so a directory
// full of such names is an error rather than an endless loop.
const maxNameTries = 1000

// minNameBytes is as short as a name too long for the file system is cut.
const minNameBytes = 16

// ErrDirectory is wrapped by Prepare's error when Path names a directory:
// refused before anything is sent, rather than after the whole body went
// to a .part file that cannot be renamed.
var ErrDirectory = errors.New("is a directory")

// ErrNoFreeName is returned when a download named from the response finds
// no free NAME-N.ext within its bound.
var ErrNoFreeName = errors.New("no free file name")

// PartialError is a download whose transfer stopped part way: the
// bytes received are kept in Part, from which Resume goes on.
type PartialError struct {
	Err  error  // why the transfer stopped
	Kept int64  // bytes in Part
	Part string // the partial file
	Path string // the name the download is saved under once complete
}

func (e *PartialError) Error() string {
	return fmt.Sprintf("%v; %d bytes kept in %s", e.Err, e.Kept, e.Part)
}

// Unwrap returns why the transfer stopped, so errors.Is sees a timeout.
func (e *PartialError) Unwrap() error { return e.Err }

// State says what [File.Save] did with a response.
type State int

const (
	// Saved means the body was written and renamed into place.
	Saved State = iota
	// AlreadyComplete means a resumed file was complete already:
	// the server answered 416 with a Content-Range of exactly its size.
	AlreadyComplete
	// NotSaved means the response is not the file (a status other
	// than 2xx, or a 416 for a file of another size: see
	// Result.Conflict): nothing was written.
	NotSaved
)

// File saves a response body to a file: the bytes go to NAME.part (see
// [PartPath]), created afresh with O_EXCL and never through a symbolic
// link, and the file is renamed to NAME only once the body ended with the
// size the server announced, so an interrupted download never leaves a
// file that looks complete. A File is used for one request:
// [File.Prepare] adjusts the request, then [File.Save] consumes the
// response.
//
// A File is not safe for concurrent use.
type File struct {
	// Path is the file to write. It may replace an existing file, as the
	// caller named it; a symbolic link is followed (the file it names is
	// replaced, the link stays), and a device, a pipe or another file that
	// is not a regular one (/dev/null, /dev/stdout) is written to as it
	// is, without a .part file, since renaming one over it would replace
	// the device itself. Empty means a name chosen from the response
	// ([Name]) in Dir that never replaces anything: NAME-1.ext,
	// NAME-2.ext, … when NAME is taken, also when a file of that name
	// appears while the body is read.
	Path string
	// Dir is where a name chosen from the response goes; "" is the
	// current directory.
	Dir string
	// Resume continues Path.part (or a complete-looking Path left by
	// another tool) with a Range request, as curl -C - does; it needs Path.
	Resume bool
	// KeepEncoding saves the body as sent, still in its Content-Encoding;
	// otherwise Prepare asks for an unencoded body (so byte ranges mean
	// file offsets) and Save writes the decoded body.
	KeepEncoding bool
	// Start, when set, is called once the file is open and before any of
	// the body is read; the reader it returns is copied instead of body
	// (for instance one that counts bytes for a progress bar).
	Start func(res *Result, body io.Reader) io.Reader

	offset int64 // bytes already on disk, found by Prepare
}

// Result describes a download.
type Result struct {
	State State
	// Path is the file the body was, or is being, saved to.
	Path string
	// Offset is how many bytes were on disk before (a resumed download).
	Offset int64
	// Total is the complete file's size, or -1 when unknown.
	Total int64
	// Written is how many bytes this response added.
	Written int64
	// Conflict is set when a resume was refused with a 416 that gives
	// the server's size (Total), which is not the Offset bytes on disk:
	// it names the file that holds them (NAME.part, or NAME itself).
	Conflict string
}

// Prepare readies req for the download: unless KeepEncoding (or a header
// the caller set), it asks for an unencoded body with Accept-Encoding:
// identity, and when resuming a file that has bytes on disk it asks for
// the rest with Range. It returns the names of the headers it added, which
// describe this transfer only (a saved session must not keep them).
func (d *File) Prepare(req *httpclient.Request) (added []string, err error) {
	if d.Resume && d.Path == "" {
		return nil, errors.New("resuming a download needs the file's name")
	}
	if d.Path != "" {
		if st, err := os.Stat(d.Path); err == nil && st.IsDir() {
			return nil, fmt.Errorf("%s %w", d.Path, ErrDirectory)
		}
	}
	if req.Header == nil {
		req.Header = http.Header{}
	}
	if !d.KeepEncoding && req.Header.Get("Accept-Encoding") == "" {
		req.Header.Set("Accept-Encoding", "identity")
		added = append(added, "Accept-Encoding")
	}
	d.offset = 0
	if d.Resume {
		target, direct := outputTarget(d.Path)
		if direct {
			return added, fmt.Errorf("cannot resume %s: it is not a regular file", d.Path)
		}
		off, err := resumeOffset(target)
		if err != nil {
			return added, err
		}
		d.offset = off
		if off > 0 {
			req.Header.Set("Range", "bytes="+strconv.FormatInt(off, 10)+"-")
			added = append(added, "Range")
		}
	}
	return added, nil
}

// Offset is how many bytes of the file Prepare found on disk.
func (d *File) Offset() int64 { return d.offset }

// resumeOffset returns how many bytes of target are already on disk: the
// size of its .part file, else of target itself (a file left by another
// tool), else 0. Neither may be anything but a regular file.
func resumeOffset(target string) (int64, error) {
	for _, p := range []string{PartPath(target), target} {
		st, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return 0, err
		}
		if !st.Mode().IsRegular() {
			return 0, fmt.Errorf("%s is not a regular file", p)
		}
		return st.Size(), nil
	}
	return 0, nil
}

// Save writes resp's body to the file (see [File]) and closes nothing:
// the caller still owns resp. A response that is not the file is not
// saved (State NotSaved, nil error). A 206 is accepted only for a
// resumed download and only when its Content-Range starts where the file
// ends; a 200 to a Range request restarts the file. On an error after the
// file was opened, the bytes stay in the .part file for a later resume and
// no file at Path looks complete.
func (d *File) Save(resp *httpclient.Response) (*Result, error) {
	target, direct := d.Path, false
	if d.Path != "" {
		target, direct = outputTarget(d.Path)
	}
	res := &Result{Offset: d.offset, Total: -1, Path: target}
	cr := resp.Header.Get("Content-Range")
	switch {
	case d.offset > 0 && resp.StatusCode == http.StatusRequestedRangeNotSatisfiable:
		total, ok := contentRangeTotal(cr)
		if ok && total == d.offset {
			res.State, res.Total = AlreadyComplete, total
			return res, complete(target)
		}
		if ok {
			// The server's size, which the file on disk is not.
			res.Total, res.Conflict = total, PartPath(target)
			if taken, err := exists(res.Conflict); err == nil && !taken {
				res.Conflict = target // a file left by another tool
			}
		}
		res.State = NotSaved
		return res, nil
	case d.offset > 0 && resp.StatusCode == http.StatusPartialContent:
		start, ok := contentRangeStart(cr)
		if !ok || start != d.offset {
			return res, fmt.Errorf("cannot resume %s: the server sent bytes %q, not from byte %d", target, cr, d.offset)
		}
		if ce := contentCoding(resp); ce != "" && !d.KeepEncoding {
			// Byte ranges count the encoded bytes (RFC 9110 §14.4),
			// and the file holds decoded ones.
			return res, fmt.Errorf("cannot resume %s: the server sent the rest %s-encoded, so its byte ranges do not match the decoded file; download it again without --continue", target, ce)
		}
	case resp.StatusCode == http.StatusPartialContent:
		// Part of a file nobody asked part of: kept as a .part, it would
		// be taken for the file's start by a later resume.
		if start, ok := contentRangeStart(cr); !ok || start != 0 {
			return res, fmt.Errorf("the server sent part of the file (Content-Range %q), not from its start; nothing was saved", cr)
		}
		res.Offset = 0
	case resp.StatusCode/100 == 2:
		res.Offset = 0 // a 200 to a Range request restarts the file
	default:
		res.State = NotSaved
		return res, nil
	}

	var body io.Reader = resp.Body
	encoded := contentCoding(resp) != ""
	if d.KeepEncoding {
		raw, err := resp.RawBody()
		if err != nil {
			return res, err
		}
		body, encoded = raw, false
	}
	if !encoded {
		if n, err := strconv.ParseInt(resp.Header.Get("Content-Length"), 10, 64); err == nil && n >= 0 {
			res.Total = res.Offset + n
		}
		if t, ok := contentRangeTotal(cr); ok && resp.StatusCode == http.StatusPartialContent {
			res.Total = t
		}
	}

	var f *os.File
	var err error
	if direct {
		f, err = os.OpenFile(target, os.O_WRONLY|os.O_TRUNC, 0)
	} else {
		f, err = d.open(target, resp, res)
	}
	if err != nil {
		return res, err
	}
	if d.Start != nil {
		body = d.Start(res, body)
	}
	n, err := io.Copy(f, body)
	res.Written = n
	if err == nil && !direct {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	part := PartPath(res.Path)
	if err != nil {
		if direct {
			return res, err
		}
		return res, &PartialError{Err: err, Kept: res.Offset + n, Part: part, Path: res.Path}
	}
	if got := res.Offset + n; res.Total >= 0 && got != res.Total {
		if direct {
			return res, fmt.Errorf("incomplete download: %d of %d bytes", got, res.Total)
		}
		return res, fmt.Errorf("incomplete download: %d of %d bytes, kept in %s", got, res.Total, part)
	}
	switch {
	case direct:
		return res, nil
	case d.Path != "":
		return res, os.Rename(part, res.Path)
	}
	return res, d.placeNew(res)
}

// outputTarget returns the file a download named p goes to, and whether
// it is written directly rather than through a .part file: a path that
// exists and is not a regular file (a device such as /dev/null, a pipe,
// /dev/stdout) cannot be replaced by a rename and is written as it is; a
// symbolic link to a regular file is resolved, so the link survives the
// rename. Any other path is its own target.
func outputTarget(p string) (target string, direct bool) {
	st, err := os.Stat(p)
	if err != nil || st.IsDir() {
		return p, false
	}
	if !st.Mode().IsRegular() {
		return p, true
	}
	if lst, err := os.Lstat(p); err == nil && lst.Mode()&fs.ModeSymlink != 0 {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return r, false
		}
	}
	return p, false
}

// open creates or reopens the .part file of target (a name chosen from
// the response when target is "") and sets res.Path.
func (d *File) open(target string, resp *httpclient.Response, res *Result) (*os.File, error) {
	if target == "" {
		name := Name(resp.Header.Get("Content-Disposition"), resp.URL, resp.Header.Get("Content-Type"))
		return createUnique(d.Dir, name, res)
	}
	part := PartPath(target)
	if res.Offset > 0 {
		if err := adoptTarget(target, part); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(part, os.O_WRONLY|os.O_APPEND|oNoFollow, 0)
		if err != nil {
			return nil, err
		}
		st, err := f.Stat()
		if err == nil && (!st.Mode().IsRegular() || st.Size() != res.Offset) {
			err = fmt.Errorf("%s changed while resuming (%d bytes, expected %d)", part, st.Size(), res.Offset)
		}
		if err != nil {
			f.Close()
			return nil, err
		}
		return f, nil
	}
	// Starting afresh: an old .part (or a link planted in its place) is
	// removed, never written through.
	if err := os.Remove(part); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	f, err := os.OpenFile(part, os.O_WRONLY|os.O_CREATE|os.O_EXCL|oNoFollow, 0o644)
	if err != nil {
		// Said of the file the caller named, not of its .part.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("cannot save %s: %w", target, err)
	}
	return f, nil
}

// createUnique reserves the first free NAME, NAME-1.ext, … in dir: free
// means no file of that name exists and its .part file could be created
// exclusively. A name the file system finds too long (a smaller NAME_MAX,
// as on eCryptfs, or a path past PATH_MAX) is halved and tried again; any
// other error is reported, never taken for "exists".
func createUnique(dir, name string, res *Result) (*os.File, error) {
	for i := 0; i < maxNameTries; i++ {
		p := filepath.Join(dir, numberedName(name, i))
		taken, err := exists(p)
		if err == nil && !taken {
			var f *os.File
			f, err = os.OpenFile(PartPath(p), os.O_WRONLY|os.O_CREATE|os.O_EXCL|oNoFollow, 0o644)
			if err == nil {
				res.Path = p
				return f, nil
			}
			taken = errors.Is(err, fs.ErrExist)
		}
		switch {
		case taken:
			continue
		case errors.Is(err, syscall.ENAMETOOLONG) && len(name) > minNameBytes:
			name, i = fitName(name, len(name)/2), -1
			continue
		}
		return nil, fmt.Errorf("cannot save %q in %s: %w", name, dirName(dir), err)
	}
	return nil, fmt.Errorf("%w for %q in %s: %s and %d numbered names are taken", ErrNoFreeName, name, dirName(dir), name, maxNameTries-1)
}

// placeNew renames a finished .part of a name chosen from the response to
// that name without replacing a file that appeared meanwhile; if one did,
// the next free numbered name is used.
func (d *File) placeNew(res *Result) error {
	part := PartPath(res.Path)
	dir, name := filepath.Split(res.Path)
	for i := 0; i < maxNameTries; i++ {
		p := filepath.Join(dir, numberedName(name, i))
		err := renameNoReplace(part, p)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err == nil {
			res.Path = p
		}
		return err
	}
	return fmt.Errorf("%w for %q in %s; the body is kept in %s", ErrNoFreeName, name, dirName(dir), part)
}

// complete puts a resumed file that turned out to be finished in place.
func complete(target string) error {
	part := PartPath(target)
	taken, err := exists(part)
	if err != nil || !taken {
		return err
	}
	return os.Rename(part, target)
}

// adoptTarget moves a complete-looking target written by another tool to
// its .part name, so resuming it keeps the .part discipline; an existing
// .part is never replaced.
func adoptTarget(target, part string) error {
	taken, err := exists(part)
	if err != nil || taken {
		return err
	}
	return renameNoReplace(target, part)
}

// exists reports whether a file (of any kind, a dangling link included)
// is at p. Errors other than "does not exist" are returned, so that a
// name the file system refuses is never mistaken for a taken one.
func exists(p string) (bool, error) {
	_, err := os.Lstat(p)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	}
	return false, err
}

func dirName(dir string) string {
	if dir == "" {
		return "."
	}
	return dir
}

// linkRename renames oldpath to newpath unless newpath exists, by linking
// then unlinking, where no atomic no-replace rename is available. On a
// file system without hard links it falls back to check-then-rename.
func linkRename(oldpath, newpath string) error {
	err := os.Link(oldpath, newpath)
	switch {
	case err == nil:
		return os.Remove(oldpath)
	case errors.Is(err, fs.ErrExist):
		return err
	}
	taken, lerr := exists(newpath)
	if lerr != nil {
		return lerr
	}
	if taken {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: fs.ErrExist}
	}
	return os.Rename(oldpath, newpath)
}

// contentCoding returns resp's Content-Encoding, or "" when it has none
// or it is identity.
func contentCoding(resp *httpclient.Response) string {
	ce := strings.TrimSpace(resp.Header.Get("Content-Encoding"))
	if strings.EqualFold(ce, "identity") {
		return ""
	}
	return ce
}

// contentRangeStart reads the first byte position of "bytes A-B/N".
func contentRangeStart(v string) (int64, bool) {
	v, ok := strings.CutPrefix(strings.TrimSpace(v), "bytes ")
	if !ok {
		return 0, false
	}
	a, _, ok := strings.Cut(v, "-")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(a), 10, 64)
	return n, err == nil && n >= 0
}

// contentRangeTotal reads the complete length N of "bytes A-B/N" or
// "bytes */N".
func contentRangeTotal(v string) (int64, bool) {
	i := strings.LastIndexByte(v, '/')
	if i < 0 || !strings.HasPrefix(strings.TrimSpace(v), "bytes") {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v[i+1:]), 10, 64)
	return n, err == nil && n >= 0
}
