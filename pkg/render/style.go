package render

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
)

// chromaFiles holds chroma's own style and lexer definitions, copied by
// internal/chromacopy. chroma's styles and lexers packages would parse
// every one of them when the program starts; here only the style and the
// lexer a run uses are parsed, when it first needs them.
//
//go:embed chroma/styles/*.xml chroma/lexers/*.xml lexers/*.xml
var chromaFiles embed.FS

// ansiReset ends any colour started by a palette entry.
const ansiReset = "\x1b[0m"

// autoStyle is the "auto" style: the 16 standard colours, so output
// follows the terminal's own theme (light or dark).
var autoStyle = styleCodes{
	key: "34;1", str: "32", num: "36", boolean: "35", null: "35", punct: "",
	method: "32;1", target: "36", proto: "34", headerName: "36", headerValue: "",
	status2xx: "32;1", status3xx: "33;1", status4xx: "31;1",
	tag: "34;1", attr: "36", attrValue: "32", comment: "90", decl: "35",
	label: "36",
}

// styleAliases maps names reqs accepted before chroma styles to the
// chroma style they now mean.
var styleAliases = map[string]string{"solarized": "solarized-dark"}

// styleCodes holds the SGR parameters (the part between "\x1b[" and "m")
// of each role in one colour scheme; "" leaves that role uncoloured.
type styleCodes struct {
	key, str, num, boolean, null, punct            string
	method, target, proto, headerName, headerValue string
	status2xx, status3xx, status4xx                string // status4xx covers 5xx too
	tag, attr, attrValue, comment, decl            string
	label                                          string
}

// Styles returns the names [ValidateStyle] accepts, sorted: "auto",
// "none", every chroma style (the Pygments family HTTPie offers) and the
// aliases of older names.
func Styles() []string {
	names := []string{"auto", "none"}
	for a := range styleAliases {
		names = append(names, a)
	}
	entries, _ := fs.ReadDir(chromaFiles, "chroma/styles")
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".xml"))
	}
	slices.Sort(names)
	return names
}

// ValidateStyle reports whether name is a known colour style; the empty
// name means "auto". The error lists the known styles.
func ValidateStyle(name string) error {
	if name == "" || knownStyle(name) {
		return nil
	}
	return fmt.Errorf("unknown style %q (available: %s)", name, strings.Join(Styles(), ", "))
}

func knownStyle(name string) bool {
	switch name {
	case "auto", "none":
		return true
	}
	if a, ok := styleAliases[name]; ok {
		name = a
	}
	if !validStyleName(name) {
		return false
	}
	_, err := fs.Stat(chromaFiles, "chroma/styles/"+name+".xml")
	return err == nil
}

// validStyleName keeps a name from reaching outside the styles directory.
func validStyleName(name string) bool {
	return name != "" && !strings.ContainsAny(name, "/\\.") && name == strings.ToLower(name)
}

// palette returns the colour escape sequences to use, or nil for none.
func (o Options) palette() *palette {
	if !o.Color {
		return nil
	}
	name := o.Style
	switch name {
	case "", "auto":
		return cachedPalette("auto", false)
	case "none":
		return nil
	}
	if a, ok := styleAliases[name]; ok {
		name = a
	}
	return cachedPalette(name, o.TrueColor)
}

type paletteKey struct {
	name      string
	trueColor bool
}

var palettes struct {
	sync.Mutex
	m map[paletteKey]*palette
}

// cachedPalette builds a style's palette once per run: every block of
// output (heads, bodies, metadata) asks for it.
func cachedPalette(name string, trueColor bool) *palette {
	palettes.Lock()
	defer palettes.Unlock()
	k := paletteKey{name, trueColor}
	if p, ok := palettes.m[k]; ok {
		return p
	}
	var p *palette
	if name == "auto" {
		p = newPalette(autoStyle)
	} else if st := loadChromaStyle(name); st != nil {
		p = newPalette(chromaCodes(st, trueColor))
		p.chroma, p.trueColor = st, trueColor
	} else {
		p = newPalette(autoStyle) // unreachable after ValidateStyle
	}
	if palettes.m == nil {
		palettes.m = map[paletteKey]*palette{}
	}
	palettes.m[k] = p
	return p
}

// loadChromaStyle parses one embedded chroma style, or returns nil.
func loadChromaStyle(name string) *chroma.Style {
	if !validStyleName(name) {
		return nil
	}
	f, err := chromaFiles.Open("chroma/styles/" + name + ".xml")
	if err != nil {
		return nil
	}
	defer f.Close()
	st, err := chroma.NewXMLStyle(f)
	if err != nil {
		return nil
	}
	return st
}

// chromaCodes takes each role's colour from the token type that plays
// it in Pygments' JSON and HTTP lexers, as HTTPie does with the same
// styles: keys are Name.Tag, strings String, numbers Number, true, false
// and null Keyword.Constant, the method Name.Function, the URL
// Name.Namespace, header names Name.Attribute.
func chromaCodes(st *chroma.Style, trueColor bool) styleCodes {
	c := func(t chroma.TokenType) string { return entrySGR(st.Get(t), trueColor) }
	// first returns the code of the first type the style sets itself,
	// else of the last one as inherited.
	first := func(ts ...chroma.TokenType) string {
		for _, t := range ts[:len(ts)-1] {
			if st.Has(t) {
				return c(t)
			}
		}
		return c(ts[len(ts)-1])
	}
	bold := func(code string) string {
		if code == "" {
			return "1"
		}
		if code == "1" || strings.HasPrefix(code, "1;") {
			return code
		}
		return code + ";1"
	}
	return styleCodes{
		key: c(chroma.NameTag), str: c(chroma.LiteralStringDouble), num: c(chroma.LiteralNumber),
		boolean: c(chroma.KeywordConstant), null: c(chroma.KeywordConstant), punct: c(chroma.Punctuation),
		method: bold(c(chroma.NameFunction)), target: c(chroma.NameNamespace), proto: c(chroma.KeywordReserved),
		headerName: c(chroma.NameAttribute), headerValue: c(chroma.LiteralString),
		status2xx: bold(first(chroma.GenericInserted, chroma.LiteralString)),
		status3xx: bold(c(chroma.LiteralNumber)), // Pygments' HTTP lexer's token for a status
		status4xx: bold(first(chroma.GenericDeleted, chroma.GenericError, chroma.NameException)),
		tag:       c(chroma.NameTag), attr: c(chroma.NameAttribute), attrValue: c(chroma.LiteralString),
		comment: c(chroma.Comment), decl: c(chroma.CommentPreproc),
		label: c(chroma.NameAttribute),
	}
}

// entrySGR turns a chroma style entry into SGR parameters: the
// foreground colour (background colours are left to the terminal) and
// bold, italic, underline.
func entrySGR(e chroma.StyleEntry, trueColor bool) string {
	var parts []string
	if e.Bold == chroma.Yes {
		parts = append(parts, "1")
	}
	if e.Italic == chroma.Yes {
		parts = append(parts, "3")
	}
	if e.Underline == chroma.Yes {
		parts = append(parts, "4")
	}
	if e.Colour.IsSet() {
		r, g, b := e.Colour.Red(), e.Colour.Green(), e.Colour.Blue()
		if trueColor {
			parts = append(parts, "38;2;"+strconv.Itoa(int(r))+";"+strconv.Itoa(int(g))+";"+strconv.Itoa(int(b)))
		} else {
			parts = append(parts, "38;5;"+strconv.Itoa(xterm256(r, g, b)))
		}
	}
	return strings.Join(parts, ";")
}

// xterm256 returns the xterm 256-colour index nearest to an RGB colour:
// one of the 6×6×6 cube (16–231) or the grey ramp (232–255). The 16
// system colours are skipped because terminals redefine them.
func xterm256(r, g, b uint8) int {
	levels := [6]int{0, 95, 135, 175, 215, 255}
	nearest := func(v uint8) int {
		best := 0
		for i, l := range levels {
			if abs(int(v)-l) < abs(int(v)-levels[best]) {
				best = i
			}
		}
		return best
	}
	ri, gi, bi := nearest(r), nearest(g), nearest(b)
	cube := 16 + 36*ri + 6*gi + bi
	cubeDist := sq(int(r)-levels[ri]) + sq(int(g)-levels[gi]) + sq(int(b)-levels[bi])
	avg := (int(r) + int(g) + int(b)) / 3
	gi2 := min(max((avg-8+5)/10, 0), 23)
	grey := 8 + 10*gi2
	greyDist := sq(int(r)-grey) + sq(int(g)-grey) + sq(int(b)-grey)
	if greyDist < cubeDist {
		return 232 + gi2
	}
	return cube
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func sq(x int) int { return x * x }
