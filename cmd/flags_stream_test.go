package cmd

import "testing"

func TestParseByteSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"16M", 16 << 20, true},
		{"64K", 64 << 10, true},
		{"64k", 64 << 10, true},
		{"1000", 1000, true},
		{"1.5M", 3 << 19, true},
		{"2MiB", 2 << 20, true},
		{"512KB", 512 << 10, true},
		{"1G", 1 << 30, true},
		{"", 0, false},
		{"M", 0, false},
		{"-1K", 0, false},
		{"ten", 0, false},
		{"1T", 0, false},
	}
	for _, tc := range tests {
		got, err := parseByteSize(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseByteSize(%q) = %d, %v; want %d, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestStreamFlagsCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		f       streamFlags
		wantErr string
	}{
		{streamFlags{MaxMessageSize: "16M"}, ""},
		{streamFlags{MaxMessageSize: "0"}, "invalid --max-message-size \"0\""},
		{streamFlags{MaxMessageSize: "lots"}, "invalid --max-message-size \"lots\""},
		{streamFlags{MaxMessageSize: "1M", MaxEvents: -1}, "invalid --max-events -1"},
		{streamFlags{MaxMessageSize: "1M", MaxMessages: -2}, "invalid --max-messages -2"},
		{streamFlags{MaxMessageSize: "1M", Ping: -1}, "invalid --ping -1"},
	}
	for _, tc := range tests {
		err := tc.f.check()
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("check(%+v) = %v", tc.f, err)
		case tc.wantErr != "" && (err == nil || err.Error()[:len(tc.wantErr)] != tc.wantErr):
			t.Errorf("check(%+v) = %v, want %q", tc.f, err, tc.wantErr)
		}
	}
}
