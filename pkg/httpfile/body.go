package httpfile

import (
	"bytes"
	"fmt"
	"io"

	"github.com/reqs-cli/reqs/pkg/httpclient"
)

// bodyPiece is a part of a request body made of text and files: bytes
// held, or a file streamed.
type bodyPiece struct {
	data []byte
	file *httpclient.Body
}

// piecesBody is a body that reads its pieces in order, opening each file
// only when its turn comes, for every send. Its size is known when every
// file's is.
func piecesBody(pieces []bodyPiece) *httpclient.Body {
	size := int64(0)
	for _, p := range pieces {
		switch {
		case p.file == nil:
			size += int64(len(p.data))
		case p.file.Size() < 0 || size < 0:
			size = -1
		default:
			size += p.file.Size()
		}
	}
	return httpclient.NewBody(func() (io.ReadCloser, error) {
		return &piecesReader{pieces: pieces}, nil
	}, size)
}

// piecesReader reads pieces one after the other.
type piecesReader struct {
	pieces []bodyPiece
	cur    io.ReadCloser // the piece being read; nil before the next
}

func (r *piecesReader) Read(p []byte) (int, error) {
	for {
		if r.cur == nil {
			if len(r.pieces) == 0 {
				return 0, io.EOF
			}
			next := r.pieces[0]
			r.pieces = r.pieces[1:]
			if next.file == nil {
				r.cur = io.NopCloser(bytes.NewReader(next.data))
			} else {
				rc, err := next.file.Open()
				if err != nil {
					return 0, err
				}
				r.cur = rc
			}
		}
		n, err := r.cur.Read(p)
		if err == io.EOF {
			r.cur.Close()
			r.cur = nil
			if n == 0 {
				continue
			}
			err = nil
		}
		return n, err
	}
}

func (r *piecesReader) Close() error {
	if r.cur != nil {
		err := r.cur.Close()
		r.cur = nil
		return err
	}
	return nil
}

// readStream reads a streamed body whole again, up to MaxSubstitutedFile
// bytes.
func readStream(b *httpclient.Body) ([]byte, error) {
	rc, err := b.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, MaxSubstitutedFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxSubstitutedFile {
		return nil, fmt.Errorf("larger than %d MiB, the most a reference to it reads", MaxSubstitutedFile>>20)
	}
	return data, nil
}
