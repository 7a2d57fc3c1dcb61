package render

import "io"

// BodyBlock writes a body as [Body] does and then a newline when the
// output did not end with one, so whatever is printed next (another
// exchange of a redirect chain, the metadata) starts on its own line. It
// returns how many bytes it wrote.
func BodyBlock(w io.Writer, r io.Reader, contentType string, o Options) (int64, error) {
	tw := &tailWriter{w: w}
	if err := Body(tw, r, contentType, o); err != nil {
		return tw.n, err
	}
	if tw.n > 0 && tw.last != '\n' {
		if _, err := io.WriteString(w, "\n"); err != nil {
			return tw.n, err
		}
		tw.n++
	}
	return tw.n, nil
}
