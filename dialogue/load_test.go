package dialogue_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/dialogue"
)

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	return b
}

// flowError asserts that err is a *FlowError and returns it.
func flowError(t *testing.T, err error) *dialogue.FlowError {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, dialogue.ErrInvalidFlow)
	var fe *dialogue.FlowError
	require.True(t, errors.As(err, &fe), "%T: %v", err, err)
	return fe
}

func TestParseFlowReportsEveryProblemWithItsLine(t *testing.T) {
	f, err := dialogue.ParseFlow("broken.yaml", readFile(t, "testdata/flows/broken.yaml"))
	assert.Nil(t, f, "a flow with problems never loads")
	fe := flowError(t, err)
	for _, want := range []struct {
		line int
		msg  string
	}{
		{7, "bad regular expression"},
		{15, `slot "phone" is collected but has no prompt`},
		{18, `unknown slot type "shoe"`},
		{22, `unknown slot "colour"`},
		{26, "unknown slot {phonee}"},
		{26, `transitions on event "yes" and on event "no"`},
		{29, `unknown state "submitt"`},
		{30, `state "orphan" is unreachable`},
		{33, `state "submit" is unreachable`},
		{35, "exactly one of say, answer, call, ticket, handoff"},
		{37, `unknown field "prompts"`},
	} {
		found := false
		for _, p := range fe.Problems {
			if p.Pos.Line == want.line && strings.Contains(p.Msg, want.msg) {
				found = true
				assert.Equal(t, "broken.yaml", p.Pos.File)
			}
		}
		assert.True(t, found, "no problem %q at line %d in:\n%v", want.msg, want.line, err)
	}
	assert.Len(t, fe.Problems, 11, "%v", err)
	assert.Contains(t, err.Error(), "broken.yaml:29:13: states[1].transitions[0].to: unknown state \"submitt\"")
}

func TestParseFlowJSON(t *testing.T) {
	f, err := dialogue.ParseFlow("tiny.json", readFile(t, "testdata/flows/tiny.json"))
	require.NoError(t, err)
	assert.Equal(t, "tiny", f.Name)
	assert.Equal(t, dialogue.OpGt, f.States[0].Transitions[0].When[0].Op)
	require.NotNil(t, f.Slots[0].Validate.Max)
	assert.InDelta(t, 5.0, *f.Slots[0].Validate.Max, 0)

	_, err = dialogue.ParseFlow("bad_type.json", readFile(t, "testdata/flows/bad_type.json"))
	fe := flowError(t, err)
	require.Len(t, fe.Problems, 1)
	assert.Equal(t, 4, fe.Problems[0].Pos.Line)
	assert.Contains(t, fe.Problems[0].Msg, "three")
}

func TestParseFlowSyntaxErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line      int
	}{
		{"indent.yaml", "name: x\nstates:\n  - name: a\n   do: []\n", 2},
		{"list.yaml", "- a\n- b\n", 1},
		{"empty.yaml", "", 1},
		{"tab.yaml", "name: x\n\tstates: []\n", 2},
		{"dup.yaml", "name: x\nname: y\nintents: [a]\nstates: [{name: s}]\n", 2},
		{"json.json", "{\n  \"name\": \"x\",\n  \"states\": [\n}\n", 3},
	} {
		_, err := dialogue.ParseFlow(tc.name, []byte(tc.src))
		fe := flowError(t, err)
		require.NotEmpty(t, fe.Problems, tc.name)
		assert.Equal(t, tc.name, fe.Problems[0].Pos.File, tc.name)
		assert.Equal(t, tc.line, fe.Problems[0].Pos.Line, "%s: %v", tc.name, err)
		assert.Len(t, fe.Problems, 1, "%s: a syntax error is reported alone: %v", tc.name, err)
	}
}

func TestLoadFlowsAllOrNothing(t *testing.T) {
	good := readFile(t, "testdata/flows/tiny.json")
	fsys := fstest.MapFS{
		"flows/a.json":      {Data: good},
		"flows/b.yaml":      {Data: []byte("name: b\nintents: [b]\nstates:\n  - name: s\n    transitions: [{to: nowhere}]\n")},
		"flows/c.yaml":      {Data: []byte("name: c\nintents: [c]\nstates: [{name: s}]\n")},
		"flows/readme.txt":  {Data: []byte("not a flow")},
		"other/ignored.yml": {Data: []byte("not: [valid")},
	}
	fs, err := dialogue.LoadFlows(fsys, "flows/*.json", "flows/*.yaml")
	assert.Nil(t, fs)
	fe := flowError(t, err)
	require.Len(t, fe.Problems, 1)
	assert.Equal(t, dialogue.Pos{File: "flows/b.yaml", Line: 5, Column: 24}, fe.Problems[0].Pos)

	delete(fsys, "flows/b.yaml")
	fs, err = dialogue.LoadFlows(fsys, "flows/*.json", "flows/*.yaml")
	require.NoError(t, err)
	require.Len(t, fs, 2)
	assert.Equal(t, "tiny", fs[0].Name)
	assert.Equal(t, "c", fs[1].Name)

	_, err = dialogue.LoadFlows(fsys, "nothing/*.yaml")
	assert.ErrorContains(t, err, "no file matches")
}

func TestValidateGoFlow(t *testing.T) {
	f := &dialogue.Flow{
		Name:    "go",
		Intents: []string{"x"},
		Slots: []dialogue.Slot{
			{Name: "n", Type: dialogue.SlotText, Prompt: "?"},
			{Name: "n", Type: dialogue.SlotRegex, Prompt: "?"},
			{Name: "bad name", Prompt: "?"},
			{Name: "d", Type: dialogue.SlotDate, Prompt: "?", Validate: dialogue.Validation{Min: new(1.0)}},
		},
		Start: "nope",
		States: []dialogue.State{
			{Name: "a", Collect: []string{"n", "n"}, Transitions: []dialogue.Transition{
				{To: "a", When: []dialogue.Condition{{Slot: "n", Op: dialogue.OpGt, Value: "x"}, {Slot: "n", Op: "like"}}},
				{To: "", Clear: []string{"zz"}},
			}},
			{Name: "a"},
			{},
		},
	}
	fe := flowError(t, f.Validate())
	var paths []string
	for _, p := range fe.Problems {
		assert.Zero(t, p.Pos, "flows defined in Go have no position")
		paths = append(paths, p.Path)
	}
	for _, want := range []string{"slots[1].name", "slots[1].pattern", "slots[2].name", "slots[3].validate", "start",
		"states[0].collect[1]", "states[0].transitions[0].when[0].value", "states[0].transitions[0].when[0].op",
		"states[0].transitions[0].when[1].op", "states[0].transitions[1].to", "states[0].transitions[1].clear[0]",
		"states[1].name", "states[2].name"} {
		assert.Contains(t, paths, want)
	}
}

func TestNewEngineChecksFlowsTogether(t *testing.T) {
	mk := func(name, intent, call string) *dialogue.Flow {
		f := &dialogue.Flow{Name: name, Intents: []string{intent}, States: []dialogue.State{{Name: "s"}}}
		if call != "" {
			f.States[0].Do = []dialogue.Do{{Call: call}}
		}
		return f
	}
	_, err := dialogue.NewEngine([]*dialogue.Flow{mk("a", "x", "lookup"), mk("b", "x", ""), mk("a", "y", ""), nil}, dialogue.Options{})
	fe := flowError(t, err)
	msg := err.Error()
	assert.Len(t, fe.Problems, 4, msg)
	assert.Contains(t, msg, `no function "lookup"`)
	assert.Contains(t, msg, `intent "x" also starts flow a`)
	assert.Contains(t, msg, "duplicate flow name")
	assert.Contains(t, msg, "nil flow")

	_, err = dialogue.NewEngine([]*dialogue.Flow{mk("a", "x", "lookup")}, dialogue.Options{
		Funcs: map[string]dialogue.Func{"lookup": orderStatus}})
	assert.NoError(t, err)
}
