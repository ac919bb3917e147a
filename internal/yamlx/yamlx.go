// Package yamlx decodes YAML documents strictly and with positions: a key
// that names no field, a repeated key or a value of the wrong kind is an
// error at the line and column where it is written, and decoding goes on
// so that one pass reports every problem. Files are parsed once, into a
// yaml.Node, and decoded from it.
package yamlx

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Error is one problem with a document.
type Error struct {
	// Line and Column locate the problem (from 1); 0 when unknown.
	Line, Column int
	// Path names the value, such as "states[2].transitions[0].to"; empty
	// for the whole document.
	Path string
	// Msg says what is wrong.
	Msg string
}

// Error returns "line L, column C: path: message".
func (e Error) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ", column %d", e.Column)
		}
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Parse parses data into a node. A syntax error is returned as an Error
// with the line the parser gives.
func Parse(data []byte) (*yaml.Node, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, syntaxError(err)
	}
	return &root, nil
}

// syntaxError turns the parser's "yaml: line N: …" into an Error: the
// parser reports positions only in its messages.
func syntaxError(err error) Error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	e := Error{Msg: msg}
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, after, ok := strings.Cut(rest, ": "); ok {
			if n, err := strconv.Atoi(num); err == nil {
				e.Line, e.Msg = n, after
			}
		}
	}
	return e
}

// Decode stores the value of n in v, a non-nil pointer, as yaml.Node's
// Decode would, with these differences: mapping keys must name a field
// of the struct (by its yaml tag, or its name in lower case), a key may
// not repeat, and every problem is returned with its position rather than
// stopping at the first. Values whose type implements yaml.Unmarshaler
// decode themselves.
func Decode(n *yaml.Node, v any) []Error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return []Error{{Msg: fmt.Sprintf("yamlx: Decode needs a non-nil pointer, not %T", v)}}
	}
	var d decoder
	d.value(n, rv.Elem(), "")
	return d.errs
}

type decoder struct{ errs []Error }

func (d *decoder) fail(n *yaml.Node, path, format string, args ...any) {
	d.errs = append(d.errs, Error{Line: n.Line, Column: n.Column, Path: path, Msg: fmt.Sprintf(format, args...)})
}

var unmarshaler = reflect.TypeFor[yaml.Unmarshaler]()

func (d *decoder) value(n *yaml.Node, v reflect.Value, path string) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return
		}
		d.value(n.Content[0], v, path)
		return
	case yaml.AliasNode:
		d.value(n.Alias, v, path)
		return
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		v.SetZero()
		return
	}
	if v.CanAddr() && reflect.PointerTo(v.Type()).Implements(unmarshaler) {
		if err := n.Decode(v.Addr().Interface()); err != nil {
			d.fail(n, path, "%s", strings.TrimPrefix(err.Error(), "yaml: "))
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.value(n, v.Elem(), path)
	case reflect.Struct:
		d.structValue(n, v, path)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.fail(n, path, "want a list, have %s", describe(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			d.value(c, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.fail(n, path, "want a mapping, have %s", describe(n))
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			kn, vn := n.Content[i], n.Content[i+1]
			if seen[kn.Value] {
				d.fail(kn, join(path, kn.Value), "key %q repeated", kn.Value)
				continue
			}
			seen[kn.Value] = true
			k := reflect.New(v.Type().Key()).Elem()
			d.value(kn, k, join(path, kn.Value))
			e := reflect.New(v.Type().Elem()).Elem()
			d.value(vn, e, join(path, kn.Value))
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Interface:
		var x any
		if err := n.Decode(&x); err != nil {
			d.fail(n, path, "%s", strings.TrimPrefix(err.Error(), "yaml: "))
			return
		}
		if x != nil {
			v.Set(reflect.ValueOf(x))
		}
	default:
		if n.Kind != yaml.ScalarNode {
			d.fail(n, path, "want %s, have %s", kindName(v.Type()), describe(n))
			return
		}
		if err := n.Decode(v.Addr().Interface()); err != nil {
			d.fail(n, path, "want %s, have %s", kindName(v.Type()), describe(n))
		}
	}
}

func (d *decoder) structValue(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "want a mapping, have %s", describe(n))
		return
	}
	fields := fieldsOf(v.Type())
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		key := kn.Value
		at := join(path, key)
		if seen[key] {
			d.fail(kn, at, "key %q repeated", key)
			continue
		}
		seen[key] = true
		idx, ok := fields[key]
		if !ok {
			d.fail(kn, at, "unknown field %q", key)
			continue
		}
		d.value(vn, v.FieldByIndex(idx), at)
	}
}

// fieldsOf maps the YAML keys of a struct's exported fields to their
// indexes.
func fieldsOf(t reflect.Type) map[string][]int {
	out := map[string][]int{}
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Index
	}
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// describe names what a node holds, for messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	}
	if len(n.Value) > 40 {
		return strconv.Quote(n.Value[:37] + "...")
	}
	return strconv.Quote(n.Value)
}

// kindName names a Go type for messages.
func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if t.String() == "time.Duration" {
			return "a duration such as 30s"
		}
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return t.String()
}

// ErrorList joins errors into one error, nil when there are none.
func ErrorList(errs []Error) error {
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return errors.Join(out...)
}
