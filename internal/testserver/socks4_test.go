package testserver

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// connectRequest4 builds a CONNECT request: to ip, or (SOCKS4a) to name.
func connectRequest4(port int, ip net.IP, userID, name string) []byte {
	req := []byte{4, 1, byte(port >> 8), byte(port)}
	if name == "" {
		req = append(req, ip.To4()...)
	} else {
		req = append(req, 0, 0, 0, 1)
	}
	req = append(req, userID...)
	req = append(req, 0)
	if name != "" {
		req = append(req, name...)
		req = append(req, 0)
	}
	return req
}

func TestSOCKS4(t *testing.T) {
	t.Parallel()
	plain, _ := targets(t)
	dir := t.TempDir()
	open, err := StartSOCKS4(SOCKS4Config{LogPath: filepath.Join(dir, "socks4.log")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(open.Close)
	withUser, err := StartSOCKS4(SOCKS4Config{UserID: SOCKSUser})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(withUser.Close)

	loop := net.IPv4(127, 0, 0, 1)
	tests := []struct {
		name      string
		server    *SOCKS4
		req       []byte
		wantReply byte
	}{
		{name: "address (socks4)", server: open, req: connectRequest4(plain.Port, loop, "", ""), wantReply: SOCKS4Granted},
		{name: "name (socks4a)", server: open, req: connectRequest4(plain.Port, nil, "anyone", "localhost"), wantReply: SOCKS4Granted},
		{name: "non-loopback refused", server: open, req: connectRequest4(80, net.IPv4(192, 0, 2, 1), "", ""), wantReply: SOCKS4Rejected},
		{name: "closed port", server: open, req: connectRequest4(1, loop, "", ""), wantReply: SOCKS4Rejected},
		{name: "BIND refused", server: open, req: append([]byte{4, 2}, connectRequest4(plain.Port, loop, "", "")[2:]...), wantReply: SOCKS4Rejected},
		{name: "user ID accepted", server: withUser, req: connectRequest4(plain.Port, loop, SOCKSUser, ""), wantReply: SOCKS4Granted},
		{name: "user ID refused", server: withUser, req: connectRequest4(plain.Port, loop, "nobody", ""), wantReply: SOCKS4UserIDMismatch},
	}
	for _, tc := range tests {
		c, err := net.Dial("tcp", tc.server.Addr)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		// The first HTTP request follows the CONNECT at once, as clients
		// that do not wait for the reply send it.
		c.Write(append(tc.req, "GET /count HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"...))
		br := bufio.NewReader(c)
		reply := make([]byte, 8)
		if _, err := io.ReadFull(br, reply); err != nil {
			t.Errorf("%s: reading the reply: %v", tc.name, err)
			c.Close()
			continue
		}
		if reply[0] != 0 || reply[1] != tc.wantReply {
			t.Errorf("%s: reply %v, want VN 0 and CD %d", tc.name, reply, tc.wantReply)
		}
		if tc.wantReply == SOCKS4Granted {
			resp, err := http.ReadResponse(br, nil)
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Errorf("%s: response through the tunnel: %v, %v; want 200", tc.name, resp, err)
			} else {
				resp.Body.Close()
			}
		} else if rest, _ := io.ReadAll(br); len(rest) > 0 {
			t.Errorf("%s: %d bytes after a refusal, want the connection closed", tc.name, len(rest))
		}
		c.Close()
	}
	want := []string{plain.Addr, net.JoinHostPort("localhost", itoa(plain.Port))}
	if diff := cmp.Diff(want, readLog(t, filepath.Join(dir, "socks4.log"))); diff != "" {
		t.Errorf("SOCKS4 log (-want +got):\n%s", diff)
	}
}
