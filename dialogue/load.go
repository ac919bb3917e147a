package dialogue

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/kefuai/kefu/internal/yamlx"
	"go.yaml.in/yaml/v3"
)

// ParseFlow reads one flow from a YAML or JSON file's contents and
// validates it. name is the file name: it picks the format (".json" is
// JSON, anything else YAML) and prefixes every problem's position. On any
// problem, syntax or meaning, ParseFlow returns no flow and a *FlowError
// listing every problem with its line and column.
func ParseFlow(name string, data []byte) (f *Flow, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, &FlowError{Flow: name, Problems: []Problem{{Pos: Pos{File: name}, Msg: fmt.Sprintf("cannot parse: %v", r)}}}
		}
	}()
	if strings.EqualFold(path.Ext(name), ".json") {
		// JSON is YAML, except that YAML refuses tabs where JSON allows
		// them; tabs only occur between tokens in JSON.
		data = bytes.ReplaceAll(data, []byte{'\t'}, []byte{' '})
	}
	fail := func(ps ...Problem) (*Flow, error) {
		for i := range ps {
			ps[i].Pos.File = name
		}
		return nil, &FlowError{Flow: name, Problems: ps}
	}

	root, err := yamlx.Parse(data)
	if err != nil {
		var se yamlx.Error
		errors.As(err, &se)
		return fail(Problem{Pos: Pos{Line: se.Line, Column: se.Column}, Msg: se.Msg})
	}
	if len(root.Content) == 0 {
		return fail(Problem{Pos: Pos{Line: 1}, Msg: "empty flow file"})
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return fail(Problem{Pos: Pos{Line: doc.Line, Column: doc.Column}, Msg: "a flow file must be a mapping (name:, slots:, states: …)"})
	}

	var probs []Problem
	f = &Flow{}
	repeated := false
	for _, e := range yamlx.Decode(doc, f) {
		probs = append(probs, Problem{Pos: Pos{Line: e.Line, Column: e.Column}, Path: e.Path, Msg: e.Msg})
		repeated = repeated || strings.HasSuffix(e.Msg, " repeated")
	}
	if repeated {
		// Which of the repeated values counts is a guess: checking the
		// flow would only report the consequences.
		return fail(probs...)
	}
	idx := map[string]Pos{}
	indexNode(doc, "", idx)
	_, vps := compile(f)
	for _, p := range vps {
		p.Pos = lookupPos(idx, p.Path)
		probs = append(probs, p)
	}
	if len(probs) > 0 {
		slices.SortStableFunc(probs, func(a, b Problem) int {
			if a.Pos.Line != b.Pos.Line {
				return a.Pos.Line - b.Pos.Line
			}
			return a.Pos.Column - b.Pos.Column
		})
		return fail(probs...)
	}
	return f, nil
}

// LoadFlows reads every file of fsys matching the patterns (fs.Glob
// syntax, such as "flows/*.yaml") with ParseFlow. It returns all the flows
// or, when any file has a problem, none of them and a *FlowError with the
// problems of every file.
func LoadFlows(fsys fs.FS, patterns ...string) ([]*Flow, error) {
	var names []string
	for _, p := range patterns {
		m, err := fs.Glob(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("dialogue: load flows: %w", err)
		}
		names = append(names, m...)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	if len(names) == 0 {
		return nil, fmt.Errorf("dialogue: load flows: no file matches %q", patterns)
	}
	var (
		flows []*Flow
		probs []Problem
	)
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, fmt.Errorf("dialogue: load flows: %w", err)
		}
		f, err := ParseFlow(n, data)
		var fe *FlowError
		switch {
		case errors.As(err, &fe):
			probs = append(probs, fe.Problems...)
		case err != nil:
			return nil, err
		default:
			flows = append(flows, f)
		}
	}
	if len(probs) > 0 {
		fe := &FlowError{Problems: probs}
		if len(names) == 1 {
			fe.Flow = names[0]
		}
		return nil, fe
	}
	return flows, nil
}

// indexNode records the position of every element under n by its path
// ("states[2].transitions[0].to").
func indexNode(n *yaml.Node, at string, idx map[string]Pos) {
	if n == nil {
		return
	}
	if _, ok := idx[at]; !ok {
		idx[at] = Pos{Line: n.Line, Column: n.Column}
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			child := key
			if at != "" {
				child = at + "." + key
			}
			indexNode(n.Content[i+1], child, idx)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			indexNode(c, fmt.Sprintf("%s[%d]", at, i), idx)
		}
	}
}

// lookupPos returns the position of path, or of its nearest ancestor
// present in the file.
func lookupPos(idx map[string]Pos, p string) Pos {
	for {
		if pos, ok := idx[p]; ok {
			return pos
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			return idx[""]
		}
		p = p[:i]
	}
}
