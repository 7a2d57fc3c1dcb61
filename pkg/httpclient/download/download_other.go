//go:build !unix

package download

// oNoFollow is 0 where open has no such flag; O_EXCL creation still never
// writes through an existing link.
const oNoFollow = 0

// renameNoReplace renames oldpath to newpath unless newpath exists (an
// error matching fs.ErrExist), by link-then-unlink.
func renameNoReplace(oldpath, newpath string) error { return linkRename(oldpath, newpath) }
