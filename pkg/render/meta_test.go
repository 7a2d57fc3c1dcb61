package render

import (
	"bytes"
	"strings"
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

func TestMetadataWaterfall(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	m := Meta{
		Elapsed: 60 * ms, DNS: 1 * ms, Connect: 2 * ms, TTFB: 10 * ms, Transfer: 50 * ms,
		Exchanges: []Exchange{
			{Label: "GET /a → 302", DNS: 12 * ms, Connect: 12 * ms, TLS: 12 * ms, TTFB: 48 * ms, Elapsed: 48 * ms},
			{Label: "GET /b → 200", Start: 48 * ms, TTFB: 24 * ms, Elapsed: 48 * ms},
		},
	}
	var out bytes.Buffer
	if err := Metadata(&out, m, Options{Terminal: true}); err != nil {
		t.Fatal(err)
	}
	want := "Elapsed time: 0.060000s\n" +
		"Total time:   0.096000s, 2 exchanges\n\n" +
		"GET /a → 302 [░░░░░░▒▒▒▒▒▒▓▓▓▓▓▓██████                        ] 48.0 ms\n" +
		"              ░ DNS 12.0 ms  ▒ connect 12.0 ms  ▓ TLS 12.0 ms  █ server 12.0 ms\n" +
		"GET /b → 200 [                        ████████████▄▄▄▄▄▄▄▄▄▄▄▄] 48.0 ms\n" +
		"              █ server 24.0 ms  ▄ transfer 24.0 ms\n"
	if got := out.String(); got != want {
		t.Errorf("Metadata on a terminal\n got:\n%s\nwant:\n%s", got, want)
	}
	// Piped, the breakdown stays as Name: value lines.
	out.Reset()
	if err := Metadata(&out, m, Options{}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.Contains(got, "DNS lookup:         0.001000s\n") || !strings.Contains(got, "Total time:         0.096000s, 2 exchanges\n") || strings.Contains(got, "[") {
		t.Errorf("Metadata piped = %q, want plain lines", got)
	}
}

// A hop much shorter than the whole still gets a column: rounding must
// not make an exchange vanish from the axis, even at its very end.
func TestWaterfallShortExchange(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	b := appendWaterfall(nil, []Exchange{
		{Label: "A", Connect: 100 * ms, TTFB: 960 * ms, Elapsed: 1000 * ms},
		{Label: "B", Start: 1000 * ms, Connect: 1 * ms, TTFB: 3 * ms, Elapsed: 3 * ms},
	}, nil)
	lines := strings.Split(string(b), "\n")
	want := "B [" + strings.Repeat(" ", waterfallWidth-1) + "█] 3.0 ms"
	if len(lines) < 3 || lines[2] != want {
		t.Errorf("short exchange after a long one\n got %q\nwant %q", b, want)
	}
}

func TestWaterfallFailedAttempt(t *testing.T) {
	t.Parallel()
	b := appendWaterfall(nil, []Exchange{{Label: "GET / → refused, retried", Connect: 10 * time.Millisecond, Elapsed: 10 * time.Millisecond}}, nil)
	if got, want := string(b), "GET / → refused, retried ["+strings.Repeat("▒", waterfallWidth)+"] 10.0 ms\n"+strings.Repeat(" ", 26)+"▒ connect 10.0 ms\n"; got != want {
		t.Errorf("failed attempt\n got %q\nwant %q", got, want)
	}
}
