package cmd

import (
	"testing"
	"time"
)

func TestParseTimeout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in            string
		connect, read time.Duration
		wantErr       bool
	}{
		{in: "5", connect: 5 * time.Second, read: 5 * time.Second},
		{in: "0.25", connect: 250 * time.Millisecond, read: 250 * time.Millisecond},
		{in: "3,0.5", connect: 3 * time.Second, read: 500 * time.Millisecond},
		{in: " 1 , 2 ", connect: time.Second, read: 2 * time.Second},
		{in: "0", connect: 0, read: 0},
		{in: "soon", wantErr: true},
		{in: "1,2,3", wantErr: true},
		{in: ",5", wantErr: true},
		{in: "-1", wantErr: true},
		{in: "NaN", wantErr: true},
		{in: "inf", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			c, r, err := parseTimeout(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Errorf("parseTimeout(%q) = %v, %v, want an error", tc.in, c, r)
				}
				return
			}
			if err != nil || c != tc.connect || r != tc.read {
				t.Errorf("parseTimeout(%q) = %v, %v, %v; want %v, %v", tc.in, c, r, err, tc.connect, tc.read)
			}
		})
	}
}

func TestParseStatuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    []int
		wantErr bool
	}{
		{in: "429,502,503,504", want: []int{429, 502, 503, 504}},
		{in: " 500 , ,503", want: []int{500, 503}},
		{in: "", want: nil},
		{in: "5xx", wantErr: true},
		{in: "99", wantErr: true},
		{in: "600", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := parseStatuses(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("parseStatuses(%q) error = %v, want error %v", tc.in, err, tc.wantErr)
			}
			if !tc.wantErr && !equalInts(got, tc.want) {
				t.Errorf("parseStatuses(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestIsImplicitHeader(t *testing.T) {
	t.Parallel()
	f := &transferFlags{implicit: []string{"Range", "Accept-Encoding"}}
	tests := []struct {
		name string
		want bool
	}{
		{"Range", true},
		{"range", true},
		{"accept-encoding", true},
		{"Accept", false},
		{"X-Range", false},
	}
	for _, tc := range tests {
		if got := f.isImplicitHeader(tc.name); got != tc.want {
			t.Errorf("isImplicitHeader(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}
