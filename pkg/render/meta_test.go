package render

import (
	"bytes"
	"testing"
	"time"
)

func TestMetadata(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		m    Meta
		o    Options
		want string
	}{
		{"elapsed only, even when zero", Meta{}, Options{}, "Elapsed time: 0.000000s\n"},
		{"elapsed only", Meta{Elapsed: 12340 * time.Microsecond}, Options{}, "Elapsed time: 0.012340s\n"},
		{"full breakdown aligned", Meta{
			Elapsed: 1500 * time.Millisecond, DNS: time.Millisecond, Connect: 2 * time.Millisecond, TLS: 3 * time.Millisecond,
			TTFB: 1400 * time.Millisecond, Transfer: 90 * time.Millisecond,
			RemoteAddr: "127.0.0.1:8443", Proto: "HTTP/2.0", TLSVersion: "TLS 1.3",
		}, Options{}, "" +
			"Elapsed time:       1.500000s\n" +
			"DNS lookup:         0.001000s\n" +
			"TCP connect:        0.002000s\n" +
			"TLS handshake:      0.003000s\n" +
			"Time to first byte: 1.400000s\n" +
			"Content transfer:   0.090000s\n" +
			"Remote address:     127.0.0.1:8443\n" +
			"Protocol:           HTTP/2.0\n" +
			"TLS version:        TLS 1.3\n"},
		{"unmeasured lines left out", Meta{Elapsed: time.Second, Connect: time.Millisecond, RemoteAddr: "[::1]:80"}, Options{}, "" +
			"Elapsed time:   1.000000s\n" +
			"TCP connect:    0.001000s\n" +
			"Remote address: [::1]:80\n"},
		{"colour", Meta{Elapsed: time.Second}, Options{Color: true}, "\x1b[36mElapsed time:\x1b[0m 1.000000s\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			if err := Metadata(&out, tc.m, tc.o); err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != tc.want {
				t.Errorf("Metadata(%+v) =\n%s\nwant\n%s", tc.m, got, tc.want)
			}
		})
	}
}
