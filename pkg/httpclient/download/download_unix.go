//go:build unix && !linux

package download

import "syscall"

// oNoFollow makes opening a symbolic link fail instead of following it.
const oNoFollow = syscall.O_NOFOLLOW

// renameNoReplace renames oldpath to newpath unless newpath exists (an
// error matching fs.ErrExist), by link-then-unlink.
func renameNoReplace(oldpath, newpath string) error { return linkRename(oldpath, newpath) }
