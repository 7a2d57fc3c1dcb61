package httpclient

import (
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// TestSOCKS4Connect checks the request bytes for SOCKS4 (an address) and
// SOCKS4a (a name after the user ID), and how replies are read.
func TestSOCKS4Connect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		host      string
		ip        net.IP
		port      int
		userID    string
		reply     []byte // nil: close without replying
		wantReq   []byte
		wantReply int
		wantErr   string
	}{
		{
			name: "socks4 address", host: "127.0.0.1", ip: net.IPv4(127, 0, 0, 1), port: 80,
			reply:   []byte{0, 90, 0, 0, 0, 0, 0, 0},
			wantReq: []byte{4, 1, 0, 80, 127, 0, 0, 1, 0}, wantReply: 90,
		},
		{
			name: "socks4a name with user ID", host: "example.test", port: 8080, userID: "gopher",
			reply:   []byte{0, 90, 0, 0, 0, 0, 0, 0},
			wantReq: append([]byte{4, 1, 0x1f, 0x90, 0, 0, 0, 1}, "gopher\x00example.test\x00"...), wantReply: 90,
		},
		{
			name: "rejected", host: "10.0.0.1", ip: net.IPv4(10, 0, 0, 1), port: 443,
			reply:   []byte{0, 91, 0, 0, 0, 0, 0, 0},
			wantReq: []byte{4, 1, 1, 187, 10, 0, 0, 1, 0}, wantReply: 91, wantErr: "reply code 91",
		},
		{
			name: "not a SOCKS4 reply", host: "127.0.0.1", ip: net.IPv4(127, 0, 0, 1), port: 80,
			reply:   []byte("HTTP/1.1"),
			wantReq: []byte{4, 1, 0, 80, 127, 0, 0, 1, 0}, wantReply: -1, wantErr: "not a SOCKS4 reply",
		},
		{
			name: "closed without a reply", host: "127.0.0.1", ip: net.IPv4(127, 0, 0, 1), port: 80,
			wantReq: []byte{4, 1, 0, 80, 127, 0, 0, 1, 0}, wantReply: -1, wantErr: "without a reply",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			client, server := net.Pipe()
			defer client.Close()
			got := make(chan []byte, 1)
			go func() {
				defer server.Close()
				buf := make([]byte, len(tc.wantReq))
				io.ReadFull(server, buf)
				got <- buf
				if tc.reply != nil {
					server.Write(tc.reply)
				}
			}()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			reply, err := socks4Connect(ctx, client, tc.host, tc.ip, tc.port, tc.userID)
			if req := <-got; !bytes.Equal(req, tc.wantReq) {
				t.Errorf("request = %v, want %v", req, tc.wantReq)
			}
			if reply != tc.wantReply {
				t.Errorf("reply = %d, want %d", reply, tc.wantReply)
			}
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("err = %v, want none", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("err = %v, want %q", err, tc.wantErr)
			}
		})
	}
}

// TestSOCKS4Timeout checks that a proxy that never replies is a connect
// timeout when the context ends.
func TestSOCKS4Timeout(t *testing.T) {
	t.Parallel()
	client, server := net.Pipe()
	defer client.Close()
	defer server.Close()
	go io.Copy(io.Discard, server)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := socks4Connect(ctx, client, "127.0.0.1", net.IPv4(127, 0, 0, 1), 80, "")
	if !isTimeoutError(err) {
		t.Errorf("socks4Connect to a silent proxy: err = %v, want a timeout", err)
	}
}
