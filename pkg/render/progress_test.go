package render

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"
)

func TestFormatBytes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0 B"}, {1023, "1023 B"}, {1024, "1.0 KiB"}, {1536, "1.5 KiB"},
		{5 << 20, "5.0 MiB"}, {1 << 30, "1.0 GiB"},
	}
	for _, tc := range tests {
		if got := FormatBytes(tc.n); got != tc.want {
			t.Errorf("FormatBytes(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestProgressPlainLines(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	p := NewProgress(&out, 1000, 0, false, "")
	n, err := io.Copy(io.Discard, p.Reader(strings.NewReader(strings.Repeat("x", 1000))))
	if err != nil || n != 1000 {
		t.Fatalf("copy through the progress reader: %d, %v", n, err)
	}
	p.Finish()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[len(lines)-2], "100% ") || !strings.HasPrefix(lines[len(lines)-1], "Done. 1000 B in ") {
		t.Errorf("plain progress of 1000 bytes wrote %q, want a 100%% line and a Done line", out.String())
	}
}

func TestProgressNilIsQuiet(t *testing.T) {
	t.Parallel()
	var p *Progress
	r := strings.NewReader("abc")
	if got := p.Reader(r); got != io.Reader(r) {
		t.Errorf("(*Progress)(nil).Reader wrapped the reader, want it unchanged")
	}
	p.Add(3)
	p.Finish()
}

func TestProgressBarOnTerminal(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	p := NewProgress(&out, 2048, 0, true, "")
	io.Copy(io.Discard, p.Reader(strings.NewReader(strings.Repeat("x", 2048))))
	p.Finish()
	if !strings.Contains(out.String(), "100%") || !strings.Contains(out.String(), "KiB") {
		t.Errorf("terminal progress wrote %q, want a bar at 100%% with sizes", out.String())
	}
}

// A resumed transfer's rate counts the bytes of this run only: the part
// already on disk took no time now.
func TestProgressResumedRate(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	p := NewProgress(&out, 3<<20, 2<<20, false, "")
	start := p.start
	p.now = func() time.Time { return start.Add(2 * time.Second) }
	p.Add(1 << 20)
	p.Finish()
	last := strings.TrimSpace(out.String())
	last = last[strings.LastIndexByte(last, '\n')+1:]
	if want := "Done. 3.0 MiB in 2.00s (512.0 KiB/s)"; last != want {
		t.Errorf("resumed at 2 MiB, 1 MiB in 2s: summary %q, want %q", last, want)
	}
}

// A transfer of unknown size draws a spinner on a terminal; when it ends,
// the spinner's line is cleared for the summary, so no frame of it stays
// on the screen.
func TestProgressSpinnerCleared(t *testing.T) {
	t.Parallel()
	for _, finish := range []bool{true, false} {
		var out bytes.Buffer
		p := NewProgress(&out, -1, 0, true, "")
		io.Copy(io.Discard, p.Reader(strings.NewReader(strings.Repeat("x", 4096))))
		if finish {
			p.Finish()
		} else {
			p.Abort()
		}
		got := out.String()
		// What the terminal shows last is what follows the last CR.
		shown := got[strings.LastIndexByte(got, '\r')+1:]
		want := ""
		if finish {
			want = "Done. 4.0 KiB in "
		}
		if !strings.HasPrefix(shown, want) || strings.Contains(shown, "[0s]") || strings.Contains(shown, "KiB, ") || finish && !strings.HasSuffix(shown, "/s)\n") {
			t.Errorf("finish=%v: the spinner's line ends as %q (all: %q), want it cleared%s", finish, shown, got, map[bool]string{true: " for the summary", false: ""}[finish])
		}
	}
}
