package render

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progressRedraw is the shortest interval between two redraws of the bar.
const progressRedraw = 100 * time.Millisecond

// Progress reports a transfer's progress on w (stderr): a bar with bytes,
// rate and ETA on a terminal, else a plain line at each tenth of the total
// (or each 100 MiB when the total is unknown), and a final summary line.
// A nil *Progress reports nothing, for -q.
type Progress struct {
	w     io.Writer
	total int64 // -1 unknown
	// offset is what was done before this transfer (the part of a
	// resumed download already on disk): counted in the size, not in
	// the rate.
	offset int64
	start  time.Time
	now    func() time.Time
	bar    *progressbar.ProgressBar

	mu       sync.Mutex
	done     int64
	lastStep int64
	finished bool
}

// NewProgress starts reporting a transfer of total bytes (-1 unknown), of
// which offset are already done (a resumed download), to w; terminal
// selects the animated bar.
func NewProgress(w io.Writer, total, offset int64, terminal bool, description string) *Progress {
	p := &Progress{w: w, total: total, offset: offset, now: time.Now, done: offset}
	p.start = p.now()
	if terminal {
		max := total
		if max < 0 {
			max = -1
		}
		p.bar = progressbar.NewOptions64(max,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(description),
			progressbar.OptionShowBytes(true),
			progressbar.OptionShowCount(),
			progressbar.OptionShowTotalBytes(true),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionThrottle(progressRedraw),
			progressbar.OptionSetWidth(30),
			progressbar.OptionUseIECUnits(true),
			progressbar.OptionFullWidth(),
		)
		if total >= 0 {
			// A bar stays at 100% once done; a spinner (unknown size)
			// is cleared instead, for the summary line (see Finish).
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) })(p.bar)
		}
		if offset > 0 {
			p.bar.Set64(offset)
		}
		return p
	}
	p.lastStep = p.step(offset)
	return p
}

// Reader returns r counting into p; its WriteTo copies with one large
// buffer.
func (p *Progress) Reader(r io.Reader) io.Reader {
	if p == nil {
		return r
	}
	return &countingReader{r: r, p: p}
}

// step is the reporting step reached after n bytes.
func (p *Progress) step(n int64) int64 {
	if p.total > 0 {
		return n * 10 / p.total
	}
	return n / (100 << 20)
}

// Add records n more bytes.
func (p *Progress) Add(n int64) {
	if p == nil || n <= 0 {
		return
	}
	if p.bar != nil {
		p.bar.Add64(n)
		if p.total < 0 {
			p.mu.Lock()
			p.done += n // for the summary that replaces the spinner
			p.mu.Unlock()
		}
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	if s := p.step(p.done); s > p.lastStep {
		p.lastStep = s
		if p.total > 0 {
			fmt.Fprintf(p.w, "%3d%% %s of %s\n", p.done*100/p.total, FormatBytes(p.done), FormatBytes(p.total))
		} else {
			fmt.Fprintf(p.w, "%s\n", FormatBytes(p.done))
		}
	}
}

// Finish ends the report with a summary: size (offset included), time
// and the average rate of the bytes transferred since NewProgress. On a
// terminal a bar is left at 100%, and a spinner (unknown size) is cleared
// for the summary line, so no half-drawn frame stays behind.
func (p *Progress) Finish() {
	p.end(func() {
		if p.bar != nil && p.total >= 0 {
			p.bar.Finish()
			return
		}
		if p.bar != nil {
			p.bar.Exit()
			p.bar.Clear()
		}
		elapsed := p.now().Sub(p.start)
		rate := float64(p.done-p.offset) / max(elapsed.Seconds(), 1e-3)
		fmt.Fprintf(p.w, "Done. %s in %.2fs (%s/s)\n", FormatBytes(p.done), elapsed.Seconds(), FormatBytes(int64(rate)))
	})
}

// Abort ends the report of a transfer that failed: on a terminal the
// bar's line is ended, so the error printed next starts a line of its
// own; the plain lines need nothing. A finished or nil Progress does
// nothing.
func (p *Progress) Abort() {
	p.end(func() {
		switch {
		case p.bar != nil && p.total < 0:
			p.bar.Exit()
			p.bar.Clear()
		case p.bar != nil:
			fmt.Fprintln(p.w)
		}
	})
}

// end runs last, the report's last words, once: not for a nil Progress
// nor after Finish or Abort.
func (p *Progress) end(last func()) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished {
		return
	}
	p.finished = true
	last()
}

// FormatBytes writes n in IEC units: "512 B", "1.5 KiB", "2.0 GiB".
func FormatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// copyBufSize is the progress reader's copy buffer: large, and allocated once.
const copyBufSize = 256 << 10

// countingReader counts bytes into a Progress. It implements WriterTo
// with one large buffer so a copy makes few, big writes and allocates once.
type countingReader struct {
	r io.Reader
	p *Progress
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.p.Add(int64(n))
	return n, err
}

func (c *countingReader) WriteTo(w io.Writer) (int64, error) {
	buf := make([]byte, copyBufSize)
	var total int64
	for {
		n, err := c.r.Read(buf)
		if n > 0 {
			m, werr := w.Write(buf[:n])
			total += int64(m)
			c.p.Add(int64(m))
			if werr != nil {
				return total, werr
			}
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}
