package testserver

import (
	"mime"
	"strings"
	"testing"
)

func TestFaultHostile(t *testing.T) {
	t.Parallel()
	s, _, c := faultServer(t)

	ex := get(t, c, s.URL+"/hostile/longname?len=253")
	_, params, err := mime.ParseMediaType(ex.header.Get("Content-Disposition"))
	if err != nil || len(params["filename"]) != 253 || !strings.HasSuffix(params["filename"], ".bin") {
		t.Errorf("/hostile/longname?len=253: filename %d bytes %q (%v), want 253 ending in .bin", len(params["filename"]), params["filename"], err)
	}

	ex = get(t, c, s.URL+"/hostile/name?kind=rtl")
	_, params, err = mime.ParseMediaType(ex.header.Get("Content-Disposition"))
	if err != nil || params["filename"] != "invoice\u202efdp.exe" {
		t.Errorf("/hostile/name?kind=rtl: filename %q (%v), want the U+202E name", params["filename"], err)
	}

	ex = get(t, c, s.URL+"/hostile/deepjson?depth=3")
	if string(ex.body) != "[[[]]]" || ex.header.Get("Content-Type") != "application/json" {
		t.Errorf("/hostile/deepjson?depth=3 = %q %q", ex.header.Get("Content-Type"), ex.body)
	}
	ex = get(t, c, s.URL+"/hostile/deepjson?depth=2&kind=object")
	if string(ex.body) != `{"a":{"a":1}}` {
		t.Errorf("/hostile/deepjson?kind=object = %q", ex.body)
	}

	ex = get(t, c, s.URL+"/hostile/control")
	if ex.header.Get("X-Title") != HeaderControlSequences || string(ex.body) != "before "+ControlSequences+" after\n" {
		t.Errorf("/hostile/control = header %q body %q, want the control sequences in both", ex.header.Get("X-Title"), ex.body)
	}

	ex = get(t, c, s.URL+"/hostile/slowtext?lines=2&every=1ms")
	if string(ex.body) != "line 1\nline 2\n" || ex.header.Get("Content-Type") != "text/plain" {
		t.Errorf("/hostile/slowtext = %q %q", ex.header.Get("Content-Type"), ex.body)
	}

	ex = get(t, c, s.URL+"/hostile/reason")
	if ex.status != 404 {
		t.Errorf("/hostile/reason: status %d, want 404", ex.status)
	}
}
