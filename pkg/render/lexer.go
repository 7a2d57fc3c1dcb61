package render

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alecthomas/chroma/v2"
	"github.com/dlclark/regexp2/v2"
)

// ruleLexer tokenises text with the rules of one of chroma's XML lexer
// definitions, as chroma's RegexLexer does, but within a time budget.
//
// chroma's rules run on regexp2, which backtracks: one rule can take
// exponential time on a few hundred bytes (`"(\\\\|\\"|[^"])*"` over a
// quote and sixty backslashes), and chroma gives each match 250 ms, per
// rule and per position, so a hostile body runs for hours. Here every
// match gets only what is left of one deadline for the whole body (its
// MatchTimeout), so a single catastrophic match is cut off within the
// budget too, and the caller prints the rest uncoloured.
//
// Its regexps are its own: MatchTimeout is set before each match, so one
// tokenisation at a time uses a ruleLexer (see lexer).
type ruleLexer struct {
	states   map[string][]*lexRule
	ensureNL bool // lex text as ending in a newline (chroma's EnsureNL)
}

// lexer is one lexer definition, tokenising with as many ruleLexers
// compiled from it as there are tokenisations at once: a tokenisation
// waiting for another's regexps would spend its budget waiting.
type lexer struct {
	data []byte
	mu   sync.Mutex
	free []*ruleLexer
}

// newLexer parses a definition, or fails as parseLexer does.
func newLexer(data []byte) (*lexer, error) {
	rl, err := parseLexer(data)
	if err != nil {
		return nil, err
	}
	return &lexer{data: data, free: []*ruleLexer{rl}}, nil
}

// tokenise is [ruleLexer.tokenise] on a ruleLexer no other tokenisation
// is using.
func (l *lexer) tokenise(text []rune, b *budget, emit tokenSink) error {
	l.mu.Lock()
	var rl *ruleLexer
	if n := len(l.free); n > 0 {
		rl, l.free = l.free[n-1], l.free[:n-1]
	}
	l.mu.Unlock()
	if rl == nil {
		var err error
		if rl, err = parseLexer(l.data); err != nil {
			return err // parsed once already: not reached
		}
	}
	defer func() {
		l.mu.Lock()
		l.free = append(l.free, rl)
		l.mu.Unlock()
	}()
	return rl.tokenise(text, b, emit)
}

// lexRule is one rule of a state.
type lexRule struct {
	re *regexp2.Regexp
	// whole colours the whole match; groups, for bygroups, each group.
	// Neither: the rule changes state without a token of its own.
	whole  *lexEmit
	groups []*lexEmit
	// ops change the stack of states, in order: a state's name pushes
	// it, "#pop" pops one, "" pushes the current state again.
	ops []string
}

// lexEmit is how a match, or one group of it, is coloured: as a token
// type, or lexed again from state (chroma's usingself).
type lexEmit struct {
	typ   chroma.TokenType
	state string
}

// errLexBudget reports a tokenisation stopped by its deadline or by
// Options.Done.
var errLexBudget = errors.New("highlighting took its time budget")

// budget is the time left to highlight one body: a deadline, and a
// channel that ends highlighting early when closed (an interrupt).
type budget struct {
	end  time.Time
	done <-chan struct{}
	// now, while a tokenisation runs, is the time within clockTick:
	// asking the clock before each of the dozens of rules tried at each
	// position took a tenth of the time.
	now atomic.Int64 // nanoseconds since end (negative while time is left)
}

// clockTick is how often the budget's clock moves.
const clockTick = 2 * time.Millisecond

// tick keeps b.now current until the returned function is called.
func (b *budget) tick() (stop func()) {
	b.now.Store(int64(time.Since(b.end)))
	quit := make(chan struct{})
	go func() {
		t := time.NewTicker(clockTick)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				b.now.Store(int64(time.Since(b.end)))
			case <-quit:
				return
			}
		}
	}()
	return func() { close(quit) }
}

// left returns the time left, 0 when the budget is spent or done closed.
func (b *budget) left() time.Duration {
	select {
	case <-b.done:
		return 0
	default:
	}
	return max(-time.Duration(b.now.Load()), 0)
}

// tokenSink receives the tokens of a tokenisation in order; together they
// cover the text lexed, rune for rune.
type tokenSink func(t chroma.TokenType, n int)

// tokenise lexes text from state, calling emit with each token's type and
// length in runes. It stops with errLexBudget when b runs out: the tokens
// emitted so far cover the start of text and the rest is left to the
// caller.
func (l *ruleLexer) tokenise(text []rune, b *budget, emit tokenSink) error {
	defer b.tick()()
	limit := len(text)
	if l.ensureNL && (len(text) == 0 || text[len(text)-1] != '\n') {
		// chroma lexes such text with a newline added, for the rules
		// that end at one; the tokens stop at the text's own end.
		text = append(text, '\n')
	}
	emitted := 0
	clip := func(t chroma.TokenType, n int) {
		n = min(n, limit-emitted)
		if n > 0 {
			emitted += n
			emit(t, n)
		}
	}
	pos, err := l.lex(text, limit, "root", b, clip)
	if err == nil && pos < limit {
		clip(chroma.Error, limit-pos) // no state left, as chroma ends
	}
	return err
}

// lex runs the rules over text from state (chroma's
// LexerState.Iterator) until end or until no state is left, and returns
// where it stopped. A rule whose match is empty and changes no state
// would loop forever; chroma loops too, and this one stops at the end of
// its budget.
func (l *ruleLexer) lex(text []rune, end int, state string, b *budget, emit tokenSink) (int, error) {
	stack := []string{state}
	pos := 0
	for pos < end && len(stack) > 0 {
		cur := stack[len(stack)-1]
		rules := l.states[cur]
		var (
			rule *lexRule
			m    *regexp2.Match
		)
		for _, r := range rules {
			left := b.left()
			if left <= 0 {
				return pos, errLexBudget
			}
			// regexp2 notices a timeout on a clock that ticks every
			// DefaultClockPeriod, up to two ticks late: ask for two ticks
			// less, so a match is cut off by the time the budget ends.
			r.re.MatchTimeout = max(left-2*regexp2.DefaultClockPeriod, time.Millisecond)
			found, err := r.re.FindRunesMatchStartingAt(text, pos)
			if err != nil {
				return pos, errLexBudget // the match timed out
			}
			if found != nil && found.RuneIndex == pos {
				rule, m = r, found
				break
			}
		}
		if rule == nil {
			// As Pygments does: a newline nothing matches ends the
			// states, and lexing goes on from the first one.
			if text[pos] == '\n' && cur != state {
				stack = []string{state}
				continue
			}
			emit(chroma.Error, 1)
			pos++
			continue
		}
		matchEnd := pos + m.RuneLength
		for _, s := range rule.ops {
			switch s {
			case "#pop":
				stack = stack[:max(len(stack)-1, 0)]
			case "":
				stack = append(stack, cur)
			default:
				stack = append(stack, s)
			}
		}
		if err := l.emitMatch(text, pos, matchEnd, rule, m, b, emit); err != nil {
			return pos, err
		}
		pos = matchEnd
	}
	return pos, nil
}

// emitMatch emits the tokens of one match over text[pos:end].
func (l *ruleLexer) emitMatch(text []rune, pos, end int, rule *lexRule, m *regexp2.Match, b *budget, emit tokenSink) error {
	if end == pos {
		return nil
	}
	if rule.groups == nil {
		if rule.whole == nil {
			emit(chroma.Text, end-pos)
			return nil
		}
		return l.emitAs(text, pos, end, rule.whole, b, emit)
	}
	groups := m.Groups()
	if len(groups)-1 != len(rule.groups) {
		emit(chroma.Error, end-pos) // as chroma does when they do not fit
		return nil
	}
	// chroma emits the groups' texts one after the other, which is the
	// match when they add up to it (even when a group is a copy of text
	// elsewhere in the match, as a backreference's group is).
	if groupsSpell(text[pos:end], groups[1:]) {
		at := pos
		for i, g := range groups[1:] {
			if g.RuneLength == 0 || len(g.Captures) == 0 {
				continue
			}
			if err := l.emitAs(text, at, at+g.RuneLength, rule.groups[i], b, emit); err != nil {
				return err
			}
			at += g.RuneLength
		}
		return nil
	}
	// Otherwise chroma would drop or repeat text: here the groups are
	// emitted where they are, text between them is plain, and text a
	// group shares with an earlier one is emitted once.
	at := pos
	for i, g := range groups[1:] {
		if len(g.Captures) == 0 {
			continue
		}
		gs, ge := max(g.RuneIndex, at), min(g.RuneIndex+g.RuneLength, end)
		if ge <= gs {
			continue
		}
		if gs > at {
			emit(chroma.Text, gs-at)
		}
		if err := l.emitAs(text, gs, ge, rule.groups[i], b, emit); err != nil {
			return err
		}
		at = ge
	}
	if at < end {
		emit(chroma.Text, end-at)
	}
	return nil
}

// groupsSpell says whether the texts of groups, one after the other, are
// match.
func groupsSpell(match []rune, groups []regexp2.Group) bool {
	at := 0
	for _, g := range groups {
		if len(g.Captures) == 0 || g.RuneLength == 0 {
			continue
		}
		if at+g.RuneLength > len(match) || !slices.Equal(match[at:at+g.RuneLength], g.Runes()) {
			return false
		}
		at += g.RuneLength
	}
	return at == len(match)
}

// emitAs emits text[pos:end] as e says: one token, or lexed from e.state
// as a text of its own.
func (l *ruleLexer) emitAs(text []rune, pos, end int, e *lexEmit, b *budget, emit tokenSink) error {
	if e == nil {
		emit(chroma.Text, end-pos)
		return nil
	}
	if e.state == "" {
		emit(e.typ, end-pos)
		return nil
	}
	sub := text[pos:end:end]
	at, err := l.lex(sub, len(sub), e.state, b, emit)
	if err == nil && at < len(sub) {
		emit(chroma.Error, len(sub)-at)
	}
	return err
}

// parseLexer reads one of chroma's XML lexer definitions (the format of
// chroma's serialise.go): its config's flags, and states of rules, each a
// pattern with a token, bygroups or usingself emitter and push, pop,
// include or mutators. Anything else is an error, so a definition this
// does not fully understand is never half applied.
func parseLexer(data []byte) (*ruleLexer, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	var config struct {
		NotMultiline    bool `xml:"not_multiline"`
		CaseInsensitive bool `xml:"case_insensitive"`
		DotAll          bool `xml:"dot_all"`
		EnsureNL        bool `xml:"ensure_nl"`
	}
	type rawRule struct {
		pattern string
		rule    *lexRule
		include string
	}
	raw := map[string][]rawRule{}
	var state string
	var cur *rawRule
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			if ee, ok := tok.(xml.EndElement); ok && ee.Name.Local == "rule" && cur != nil {
				raw[state] = append(raw[state], *cur)
				cur = nil
			}
			continue
		}
		switch se.Name.Local {
		case "lexer", "rules":
		case "config":
			if err := d.DecodeElement(&config, &se); err != nil {
				return nil, err
			}
		case "state":
			state = attr(se, "name")
			if _, ok := raw[state]; !ok {
				raw[state] = nil
			}
		case "rule":
			cur = &rawRule{pattern: attr(se, "pattern"), rule: &lexRule{}}
		case "token", "usingself":
			if cur == nil {
				return nil, fmt.Errorf("<%s> outside a rule", se.Name.Local)
			}
			e, err := parseEmit(se)
			if err != nil {
				return nil, err
			}
			cur.rule.whole = e
			d.Skip()
		case "bygroups":
			if cur == nil {
				return nil, errors.New("<bygroups> outside a rule")
			}
			groups, err := parseGroups(d)
			if err != nil {
				return nil, err
			}
			cur.rule.groups = groups
		case "push", "pop", "mutators":
			if cur == nil {
				return nil, fmt.Errorf("<%s> outside a rule", se.Name.Local)
			}
			if err := parseMutator(d, se, cur.rule); err != nil {
				return nil, err
			}
		case "include":
			if cur == nil {
				return nil, errors.New("<include> outside a rule")
			}
			cur.include = attr(se, "state")
			d.Skip()
		default:
			return nil, fmt.Errorf("unsupported element <%s>", se.Name.Local)
		}
	}
	if _, ok := raw["root"]; !ok {
		return nil, errors.New("no root state")
	}

	flags := ""
	if !config.NotMultiline {
		flags += "m"
	}
	if config.CaseInsensitive {
		flags += "i"
	}
	if config.DotAll {
		flags += "s"
	}
	l := &ruleLexer{states: map[string][]*lexRule{}, ensureNL: config.EnsureNL}
	compiled := map[string]*regexp2.Regexp{}
	var expand func(name string, seen map[string]bool) ([]*lexRule, error)
	expand = func(name string, seen map[string]bool) ([]*lexRule, error) {
		rules, ok := raw[name]
		if !ok {
			return nil, fmt.Errorf("include of unknown state %q", name)
		}
		if seen[name] {
			return nil, fmt.Errorf("state %q includes itself", name)
		}
		seen[name] = true
		defer delete(seen, name)
		var out []*lexRule
		for _, r := range rules {
			if r.include != "" {
				inc, err := expand(r.include, seen)
				if err != nil {
					return nil, err
				}
				out = append(out, inc...)
				continue
			}
			if r.rule.re == nil {
				re, ok := compiled[r.pattern]
				if !ok {
					// As chroma compiles them: anchored where the last
					// match ended.
					p := `\G(?:` + r.pattern + `)`
					if flags != "" {
						p = `\G(?` + flags + `)(?:` + r.pattern + `)`
					}
					var err error
					if re, err = regexp2.Compile(p); err != nil {
						return nil, fmt.Errorf("rule %q: %v", r.pattern, err)
					}
					compiled[r.pattern] = re
				}
				r.rule.re = re
			}
			if r.rule.groups != nil && len(r.rule.re.GetGroupNumbers())-1 != len(r.rule.groups) {
				return nil, fmt.Errorf("rule %q: %d groups, %d emitters", r.pattern, len(r.rule.re.GetGroupNumbers())-1, len(r.rule.groups))
			}
			out = append(out, r.rule)
		}
		return out, nil
	}
	for name := range raw {
		rules, err := expand(name, map[string]bool{})
		if err != nil {
			return nil, err
		}
		l.states[name] = rules
	}
	for _, rules := range l.states {
		for _, r := range rules {
			for _, s := range r.ops {
				if _, ok := l.states[s]; !ok && s != "" && s != "#pop" {
					return nil, fmt.Errorf("push of unknown state %q", s)
				}
			}
			for _, e := range append([]*lexEmit{r.whole}, r.groups...) {
				if e != nil && e.state != "" {
					if _, ok := l.states[e.state]; !ok {
						return nil, fmt.Errorf("usingself of unknown state %q", e.state)
					}
				}
			}
		}
	}
	return l, nil
}

// attr returns the value of an element's attribute, or "".
func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// parseEmit reads a <token type="..."/> or <usingself state="..."/>.
func parseEmit(se xml.StartElement) (*lexEmit, error) {
	if se.Name.Local == "usingself" {
		return &lexEmit{state: attr(se, "state")}, nil
	}
	if se.Name.Local != "token" {
		return nil, fmt.Errorf("unsupported emitter <%s>", se.Name.Local)
	}
	t, err := chroma.TokenTypeString(attr(se, "type"))
	if err != nil {
		return nil, fmt.Errorf("unknown token type %q", attr(se, "type"))
	}
	return &lexEmit{typ: t}, nil
}

// parseGroups reads the emitters of a <bygroups>, one per group.
func parseGroups(d *xml.Decoder) ([]*lexEmit, error) {
	groups := []*lexEmit{}
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			e, err := parseEmit(t)
			if err != nil {
				return nil, err
			}
			groups = append(groups, e)
			d.Skip()
		case xml.EndElement:
			return groups, nil
		}
	}
}

// parseMutator reads a <push>, <pop> or <mutators> into r.
func parseMutator(d *xml.Decoder, se xml.StartElement, r *lexRule) error {
	switch se.Name.Local {
	case "push":
		n := 0
		for _, a := range se.Attr {
			if a.Name.Local == "state" {
				r.ops = append(r.ops, a.Value)
				n++
			}
		}
		if n == 0 {
			r.ops = append(r.ops, "")
		}
		return d.Skip()
	case "pop":
		depth, err := strconv.Atoi(attr(se, "depth"))
		if err != nil || depth < 1 || depth > 100 {
			return fmt.Errorf("invalid pop depth %q", attr(se, "depth"))
		}
		for range depth {
			r.ops = append(r.ops, "#pop")
		}
		return d.Skip()
	case "mutators":
		for {
			tok, err := d.Token()
			if err != nil {
				return err
			}
			switch t := tok.(type) {
			case xml.StartElement:
				if err := parseMutator(d, t, r); err != nil {
					return err
				}
			case xml.EndElement:
				return nil
			}
		}
	}
	return fmt.Errorf("unsupported mutator <%s>", se.Name.Local)
}
