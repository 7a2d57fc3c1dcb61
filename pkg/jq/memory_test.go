package jq

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

// TestDecodeValues: the decoder's lean representation (raw scalars,
// shared keys, arrays of the exact size) decodes what the JSON says.
func TestDecodeValues(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`[1, -1, 255, 256, -0, 12345678901234567890, 1.50, 1e3]`, `[1,-1,255,256,-0,12345678901234567890,1.50,1e3]`},
		{`["", "a", "caf\u00e9", "tab\tq\"", "\ud83d\ude00", "` + "\xff" + `"]`, `["","a","café","tab\tq\"","😀","` + "\ufffd" + `"]`},
		{`[{"k": 1, "k": 2}, {"k": 3}, {"\u006b": 4}]`, `[{"k":2},{"k":3},{"k":4}]`},
		{`[[], {}, [[]], null, true, false]`, `[[],{},[[]],null,true,false]`},
	}
	for _, tc := range tests {
		v, err := Unmarshal([]byte(tc.in))
		if err != nil {
			t.Fatalf("Unmarshal(%q): %v", tc.in, err)
		}
		if got := string(Marshal(v)); got != tc.want {
			t.Errorf("Unmarshal(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
	// 5,000 elements: arrays longer than a chunk come out whole, in order,
	// and no larger than they need.
	var b strings.Builder
	b.WriteByte('[')
	for i := range 5000 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"id":`)
		b.WriteString(strings.Repeat("7", i%5+1))
		b.WriteString(`}`)
	}
	b.WriteByte(']')
	v, err := Unmarshal([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	a := v.([]any)
	if len(a) != 5000 || cap(a) != 5000 {
		t.Errorf("a 5,000-element array decoded with len %d, cap %d; want both 5000", len(a), cap(a))
	}
	if got := string(Marshal(v)); got != b.String() {
		t.Errorf("a 5,000-element array does not round-trip")
	}
	// Objects that repeat a key share one string.
	k0 := reflect.ValueOf(a[0]).MapKeys()[0].String()
	k1 := reflect.ValueOf(a[4999]).MapKeys()[0].String()
	if k0 != "id" || k1 != "id" || unsafeData(k0) != unsafeData(k1) {
		t.Errorf("the key of the first and last objects are two strings; want one shared")
	}
}

// TestDecodeMemoryBudget: with LimitMemory, a document whose decoded form
// would take more than 3 times its text plus 48 MiB is refused as soon as
// it passes, however small its text (an empty object takes over 300
// bytes); a plain document of the same size decodes.
func TestDecodeMemoryBudget(t *testing.T) {
	t.Parallel()
	objs := "[" + strings.Repeat("{},", 1<<20) + "{}]" // 3 MiB
	_, err := Unmarshal([]byte(objs))
	var big *ErrTooLarge
	if !errors.As(err, &big) || !big.Memory || big.Limit > MemoryBudget(int64(len(objs))) {
		t.Fatalf("Unmarshal(3 MiB of {}) = %v, want an *ErrTooLarge for memory", err)
	}
	if want := "decoding the json would take more memory than 3 times its size plus 48 MiB"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q, want it to say %q", err, want)
	}
	// Without the limit it decodes (the caller chose to hold it).
	d := NewDecoder(strings.NewReader(objs))
	if _, err := d.Decode(); err != nil {
		t.Errorf("Decode without LimitMemory: %v", err)
	}
	text := "[" + strings.Repeat(`"a string of some length",`, 1<<17) + "1]"
	if _, err := Unmarshal([]byte(text)); err != nil {
		t.Errorf("Unmarshal(3 MiB of strings): %v, want it decoded within the budget", err)
	}
}

// unsafeData is where a string's bytes are.
func unsafeData(s string) uintptr { return uintptr(unsafe.Pointer(unsafe.StringData(s))) }

// TestIterateWithinBudget: an expression that iterates an array
// (.items[] | ...) decodes one element at a time, so it runs within the
// memory budget over a document whose whole decoded form would not.
func TestIterateWithinBudget(t *testing.T) {
	t.Parallel()
	doc := `{"items": [` + strings.Repeat(`{"id": 1},`, 1<<20) + `{"id": 2}], "n": 1}` // 10 MiB
	run := func(expr string) (int, error) {
		q, err := Compile(expr)
		if err != nil {
			t.Fatal(err)
		}
		d := NewDecoder(strings.NewReader(doc))
		d.LimitMemory = true
		n := 0
		for _, err := range q.RunDecoder(context.Background(), d) {
			if err != nil {
				return n, err
			}
			n++
		}
		return n, nil
	}
	for _, expr := range []string{".items[] | .id", ".items[].id", ".items[]"} {
		if n, err := run(expr); err != nil || n != 1<<20+1 {
			t.Errorf("%s: %d results, %v; want %d results within the budget", expr, n, err, 1<<20+1)
		}
	}
	var big *ErrTooLarge
	if _, err := run(".items | length"); !errors.As(err, &big) {
		t.Errorf(".items | length: %v, want the memory budget refusing the whole array", err)
	}
}
