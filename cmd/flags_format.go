package cmd

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/reqs-cli/reqs/pkg/render"
	"github.com/spf13/pflag"
)

// formatFlags are HTTPie's formatting flags: --format-options and its
// shortcuts --sorted and --unsorted. They apply in the order given, a
// later one overriding an earlier one, as in HTTPie.
type formatFlags struct {
	// specs holds each flag's options in the order the flags were given.
	specs []string
}

// sortedSpec and unsortedSpec are what --sorted and --unsorted stand for.
const (
	sortedSpec   = "headers.sort:true,json.sort_keys:true"
	unsortedSpec = "headers.sort:false,json.sort_keys:false"
)

// formatOptionKeys are the --format-options keys HTTPie documents.
var formatOptionKeys = []string{"headers.sort", "json.format", "json.indent", "json.sort_keys", "xml.format", "xml.indent"}

func (f *formatFlags) register(fs *pflag.FlagSet) {
	fs.Var(&formatSpecs{specs: &f.specs}, "format-options", "formatting `OPTIONS` as HTTPie takes them, comma-separated KEY:VALUE: json.indent:N, json.sort_keys:BOOL, json.format:BOOL, headers.sort:BOOL, xml.format:BOOL, xml.indent:N (repeatable; later ones win)")
	fs.VarPF(&formatShortcut{specs: &f.specs, spec: sortedSpec}, "sorted", "", "sort headers and JSON keys (--format-options "+sortedSpec+")").NoOptDefVal = "true"
	fs.VarPF(&formatShortcut{specs: &f.specs, spec: unsortedSpec}, "unsorted", "", "keep headers and JSON keys in the server's order, the default (--format-options "+unsortedSpec+")").NoOptDefVal = "true"
}

// setRender sets o from the flags, in the order given, over what --indent
// and --sort-keys already set.
func (f *formatFlags) setRender(o *render.Options) error {
	for _, spec := range f.specs {
		if err := applyFormatOptions(o, spec); err != nil {
			return usageErrorf("invalid --format-options %q: %v", spec, err)
		}
	}
	return nil
}

// applyFormatOptions applies one comma-separated KEY:VALUE list to o.
func applyFormatOptions(o *render.Options, spec string) error {
	for _, kv := range strings.Split(spec, ",") {
		kv = strings.TrimSpace(kv)
		if kv == "" {
			continue
		}
		key, value, ok := strings.Cut(kv, ":")
		if !ok {
			return fmt.Errorf("%q is not KEY:VALUE", kv)
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		switch key {
		case "json.indent", "xml.indent":
			// As --indent: 1 to 16 (HTTPie's 0, lines without
			// indentation, has no equivalent).
			n, err := strconv.Atoi(value)
			if err != nil || n < 1 || n > 16 {
				return fmt.Errorf("%s wants 1 to 16 spaces, not %q", key, value)
			}
			if key == "json.indent" {
				o.Indent = n
			} else {
				o.XMLIndent = n
			}
		case "headers.sort", "json.sort_keys", "json.format", "xml.format":
			b, err := strconv.ParseBool(value)
			if err != nil {
				return fmt.Errorf("%s wants true or false, not %q", key, value)
			}
			switch key {
			case "headers.sort":
				o.SortHeaders = b
			case "json.sort_keys":
				o.SortKeys = b
			case "json.format":
				o.JSONAsIs = !b
			case "xml.format":
				o.XMLAsIs = !b
			}
		default:
			return fmt.Errorf("unknown option %q; the options are %s", key, strings.Join(formatOptionKeys, ", "))
		}
	}
	return nil
}

// formatSpecs is --format-options: each value is appended to the shared
// list, so its place among --sorted and --unsorted is kept.
type formatSpecs struct{ specs *[]string }

func (v *formatSpecs) Set(s string) error {
	*v.specs = append(*v.specs, s)
	return nil
}

func (v *formatSpecs) String() string {
	if v.specs == nil {
		return ""
	}
	return strings.Join(*v.specs, ",")
}

func (v *formatSpecs) Type() string { return "string" }

// formatShortcut is --sorted or --unsorted: a bool flag that, when set,
// appends the options it stands for to the shared list.
type formatShortcut struct {
	specs *[]string
	spec  string
	set   bool
}

func (v *formatShortcut) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	v.set = b
	if b {
		*v.specs = append(*v.specs, v.spec)
	}
	return nil
}

func (v *formatShortcut) String() string { return strconv.FormatBool(v.set) }
func (v *formatShortcut) Type() string   { return "bool" }
