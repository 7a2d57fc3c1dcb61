package httpfile

import (
	"context"
	"os"
	"strings"

	"github.com/reqs-cli/reqs/pkg/httpclient"
)

// WSStep is one step of a WebSocket request, in JetBrains' syntax: the
// lines after the headers are messages separated by `===` lines, and a
// `=== wait-for-server` line also waits for one message from the server
// before the next is sent (several wait for as many).
type WSStep struct {
	// Wait, when true, waits for a message; otherwise the step sends Text,
	// or the file File (substituted first when Subst), at Pos.
	Wait  bool
	Text  string
	File  string
	Subst bool
	Pos   Pos
}

// waitForServer is the separator that also waits for the server.
const waitForServer = "wait-for-server"

// isWebSocketURL reports whether a URL starts with ws:// or wss://.
func isWebSocketURL(u string) bool {
	lower := strings.ToLower(u[:min(len(u), 6)])
	return strings.HasPrefix(lower, "ws://") || strings.HasPrefix(lower, "wss://")
}

// messages reads a WebSocket request's lines after its headers into
// steps. A message is the text between separators less the blank lines
// around it, or a lone `< path` (`<@ path` substituted); one that is
// only blank is not sent.
func (p *parser) messages(req *Request, lines []int) error {
	var text []int
	flush := func() error {
		for len(text) > 0 && strings.TrimSpace(p.lines[text[0]]) == "" {
			text = text[1:]
		}
		for len(text) > 0 && strings.TrimSpace(p.lines[text[len(text)-1]]) == "" {
			text = text[:len(text)-1]
		}
		if len(text) == 0 {
			return nil
		}
		defer func() { text = nil }()
		if len(text) == 1 {
			ref, subst, err := p.fileRef(text[0], p.lines[text[0]], true)
			if err != nil {
				return err
			}
			if ref != nil {
				req.Messages = append(req.Messages, WSStep{File: ref.File, Subst: subst, Pos: ref.Pos})
				return nil
			}
		}
		var b strings.Builder
		for k, i := range text {
			if k > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(p.lines[i])
		}
		first := p.lines[text[0]]
		msg := strings.TrimRight(strings.TrimLeft(b.String(), " \t"), " \t")
		req.Messages = append(req.Messages, WSStep{Text: msg, Pos: p.pos(text[0], indent(first))})
		return nil
	}
	for _, i := range lines {
		line := p.lines[i]
		trimmed := strings.TrimSpace(line)
		rest, sep := strings.CutPrefix(trimmed, "===")
		if !sep {
			text = append(text, i)
			continue
		}
		if err := flush(); err != nil {
			return err
		}
		switch strings.TrimSpace(rest) {
		case "":
		case waitForServer:
			req.Messages = append(req.Messages, WSStep{Wait: true, Pos: p.pos(i, indent(line))})
		default:
			return errorf(p.pos(i, indent(line)), "expected `===` or `=== wait-for-server` between WebSocket messages, got %q", excerpt(trimmed))
		}
	}
	return flush()
}

// Turn is one step of a WebSocket conversation, its variables
// substituted: send Message, or (Wait) wait for one message from the
// server.
type Turn struct {
	Wait    bool
	Message []byte
}

// converse substitutes req's steps and has Converse hold the
// conversation.
func (r *Runner) converse(ctx context.Context, f *File, req *Request, built *httpclient.Request, vars *Vars) (*Exchange, error) {
	if r.Converse == nil {
		return nil, errorf(req.Pos, "WEBSOCKET requests are not supported here")
	}
	turns := make([]Turn, 0, len(req.Messages))
	for _, m := range req.Messages {
		switch {
		case m.Wait:
			turns = append(turns, Turn{Wait: true})
		case m.File != "":
			data, err := r.readMessageFile(f, req, vars, m)
			if err != nil {
				return nil, err
			}
			turns = append(turns, Turn{Message: data})
		default:
			text, err := vars.Expand(req, m.Text, m.Pos)
			if err != nil {
				return nil, err
			}
			turns = append(turns, Turn{Message: []byte(text)})
		}
	}
	return r.Converse(ctx, req, built, turns)
}

// maxMessageFile bounds a message read from a file.
const maxMessageFile = 16 << 20

// readMessageFile reads a `< path` message as it is, or a `<@ path` one
// substituted.
func (r *Runner) readMessageFile(f *File, req *Request, vars *Vars, m WSStep) ([]byte, error) {
	if m.Subst {
		return r.readBodyFile(f, req, vars, m.File, true, m.Pos)
	}
	path, err := r.bodyPath(f, req, vars, m.File, m.Pos)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(path); err == nil && st.Size() > maxMessageFile {
		return nil, errorf(m.Pos, "message file %s is larger than %d MiB", path, maxMessageFile>>20)
	}
	read := r.ReadFile
	if read == nil {
		read = os.ReadFile
	}
	data, err := read(path)
	if err != nil {
		return nil, errorf(m.Pos, "message file %s: %v", path, httpclient.Reason(err))
	}
	return data, nil
}
