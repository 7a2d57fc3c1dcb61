package wire

import (
	"net"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReorderHead(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, head string
		order      []string
		want       string
	}{
		{"net/http's sorted head in the given order",
			"POST /x HTTP/1.1\r\nHost: h\r\nUser-Agent: reqs/1\r\nContent-Length: 2\r\nAccept: */*\r\nX-A: 1\r\nX-B: 2\r\nX-B: 3\r\n\r\n",
			[]string{"Host", "User-Agent", "Accept", "X-B", "X-A", "Content-Length"},
			"POST /x HTTP/1.1\r\nHost: h\r\nUser-Agent: reqs/1\r\nAccept: */*\r\nX-B: 2\r\nX-B: 3\r\nX-A: 1\r\nContent-Length: 2\r\n\r\n"},
		{"names spelled as the order spells them",
			"GET / HTTP/1.1\r\nHost: h\r\nX-Lower: 1\r\n\r\n", []string{"Host", "x-lower"},
			"GET / HTTP/1.1\r\nHost: h\r\nx-lower: 1\r\n\r\n"},
		{"unlisted lines go last, as written",
			"GET http://h/ HTTP/1.1\r\nHost: h\r\nProxy-Authorization: Basic x\r\nX-A: 1\r\n\r\n", []string{"Host", "X-A"},
			"GET http://h/ HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nProxy-Authorization: Basic x\r\n\r\n"},
		{"not an HTTP/1.x head", "PRI * HTTP/2.0\r\n\r\n", []string{"Host"}, "PRI * HTTP/2.0\r\n\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := string(reorderHead([]byte(tc.head), tc.order)); got != tc.want {
				t.Errorf("reorderHead(%q, %q) =\n%q\nwant\n%q", tc.head, tc.order, got, tc.want)
			}
		})
	}
}

// pipeConn returns a Conn over one end of a pipe and the other end.
func pipeConn(t *testing.T) (*Conn, net.Conn) {
	a, b := net.Pipe()
	t.Cleanup(func() { a.Close(); b.Close() })
	return &Conn{Conn: a}, b
}

func TestWireConnWritesHeadInOrder(t *testing.T) {
	t.Parallel()
	wc, peer := pipeConn(t)
	got := make(chan string)
	go func() {
		var b strings.Builder
		buf := make([]byte, 64)
		for !strings.Contains(b.String(), "body") {
			n, err := peer.Read(buf)
			if err != nil {
				break
			}
			b.Write(buf[:n])
		}
		got <- b.String()
	}()
	wc.Arm([]string{"Host", "X-B", "X-A"})
	// The head arrives in pieces, the body right after it.
	for _, piece := range []string{"GET / HTTP/1.1\r\nHo", "st: h\r\nX-A: 1\r\n", "X-B: 2\r\n\r", "\nbo", "dy"} {
		if n, err := wc.Write([]byte(piece)); err != nil || n != len(piece) {
			t.Fatalf("Write(%q) = %d, %v", piece, n, err)
		}
	}
	want := "GET / HTTP/1.1\r\nHost: h\r\nX-B: 2\r\nX-A: 1\r\n\r\nbody"
	if s := <-got; s != want {
		t.Errorf("wire got %q, want %q", s, want)
	}
}

func TestWireConnRecordsFinalResponseHead(t *testing.T) {
	t.Parallel()
	wc := &Conn{}
	wc.Arm(nil)
	// 100 Continue, then the final head split across reads, then body.
	for _, piece := range []string{"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nx-a: 1\r", "\nX-A: 2\r\n\r", "\nbody HTTP/1.1 500 x\r\n\r\n"} {
		wc.record([]byte(piece))
	}
	want := "HTTP/1.1 200 OK\r\nx-a: 1\r\nX-A: 2\r\n\r\n"
	if got := string(wc.ResponseHead()); got != want {
		t.Errorf("recorded %q, want %q", got, want)
	}
	if diff := cmp.Diff([]Field{{Name: "x-a", Value: "1"}, {Name: "X-A", Value: "2"}}, ParseHead(wc.ResponseHead())); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}

	notHTTP := &Conn{}
	notHTTP.Arm(nil)
	notHTTP.record([]byte("\x00\x00\x12\x04\x00\x00\x00\x00\x00\r\n\r\n"))
	if h := notHTTP.ResponseHead(); h != nil {
		t.Errorf("an HTTP/2 frame was recorded as a head: %q", h)
	}
}

func TestParseHeadFields(t *testing.T) {
	t.Parallel()
	head := "HTTP/1.1 200 OK\r\nA:1\r\nb:  two words \r\nFolded: x\r\n  y\r\nA: 3\r\n\r\n"
	want := []Field{{Name: "A", Value: "1"}, {Name: "b", Value: "two words"}, {Name: "Folded", Value: "x y"}, {Name: "A", Value: "3"}}
	if diff := cmp.Diff(want, ParseHead([]byte(head))); diff != "" {
		t.Errorf("ParseHead(%q) (-want +got):\n%s", head, diff)
	}
}
