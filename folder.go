package kefu

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/channel/convtest"
	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/intent"
	"github.com/kefuai/kefu/kb"
)

// The files of a bot folder. See the package documentation for what each
// holds.
const (
	configFile  = "bot.yaml"
	intentsFile = "intents.tsv"
)

// FolderOptions configure LoadFolder. The zero value is ready to use.
type FolderOptions struct {
	// Funcs are Go functions the flows may call besides the folder's HTTP
	// actions; an action of bot.yaml may not reuse one of their names.
	Funcs map[string]dialogue.Func
	// Getenv reads the environment variables that hold the HTTP actions'
	// secrets; os.Getenv when nil.
	Getenv func(string) string
	// Client makes the HTTP actions' requests; a client of its own, which
	// follows no redirect, when nil.
	Client *http.Client
}

// Folder is a bot defined by a folder of files, every one of them read and
// checked by LoadFolder. Its fields are the validated parts; NewBot builds
// a Bot on them.
type Folder struct {
	// Name is the bot's name from bot.yaml.
	Name string
	// Examples are the intent classifier's training examples, those
	// labelled OutOfScope included (intents.tsv).
	Examples []intent.Example
	// TestExamples are held-out examples to measure the classifier on
	// (intents_test.tsv), or nil.
	TestExamples []intent.Example
	// OutOfScope labels the examples of questions the bot does not answer:
	// they are not trained on and tune the out-of-scope threshold.
	OutOfScope string
	// Entries are the knowledge base (faq.json, faq.csv or faq.xlsx).
	Entries []kb.Entry
	// Flows are the dialogue flows (flows/*.yaml).
	Flows []*dialogue.Flow
	// Words, Synonyms and Rules are the operator's vocabulary (words.txt,
	// synonyms.txt) and intent rules (rules.yaml).
	Words    []string
	Synonyms [][]string
	Rules    []intent.Rule
	// Greetings are the opening messages by language ("zh", "en"), for
	// webchat.Options.Greetings.
	Greetings map[string]channel.Reply
	// Titles are the intents' customer-facing questions, offered as "did
	// you mean…" suggestions.
	Titles map[string]channel.Bilingual
	// MinConfidence is the confidence an intent needs to start a flow
	// (dialogue.Options.MinConfidence); AnswerConfidence the confidence
	// a knowledge-base answer needs (Fallback.MinConfidence). Zero takes
	// the defaults.
	MinConfidence, AnswerConfidence float64
	// Rating names the intents after which the bot asks for a rating
	// (WithRating).
	Rating []string
	// Funcs are the functions the flows call: the HTTP actions of
	// bot.yaml and FolderOptions.Funcs.
	Funcs map[string]dialogue.Func
	// Static maps URL path prefixes ("/img/") to the folder's directories
	// served there, such as the pictures the answers show.
	Static map[string]fs.FS
	// Conversations are the conversation tests (conversations/*.yaml,
	// see package channel/convtest), or nil.
	Conversations fs.FS
	// PendingConversations name the files of Conversations the bot does
	// not pass yet (bot.yaml's pending_conversations).
	PendingConversations []string
}

// FolderProblem is one thing wrong in a bot folder.
type FolderProblem struct {
	// File is the file's path in the folder, Line its 1-based line; 0
	// when the problem concerns the whole file or, in a workbook, Cell
	// names the cell instead.
	File string
	Line int
	Cell string
	// Msg says what is wrong.
	Msg string
}

// String returns "file:line: message".
func (p FolderProblem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	switch {
	case p.Line > 0:
		fmt.Fprintf(&b, ":%d", p.Line)
	case p.Cell != "":
		b.WriteString(":" + p.Cell)
	}
	b.WriteString(": ")
	b.WriteString(p.Msg)
	return b.String()
}

// FolderError lists every problem LoadFolder found.
type FolderError struct {
	// Problems are sorted by file, then line.
	Problems []FolderProblem
}

// Error lists the problems, one a line, each as "file:line: message".
func (e *FolderError) Error() string {
	if len(e.Problems) == 1 {
		return "kefu: bot folder: " + e.Problems[0].String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "kefu: bot folder: %d problems:", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n\t")
		b.WriteString(p.String())
	}
	return b.String()
}

// maxFileProblems caps the problems reported for one file.
const maxFileProblems = 50

// folderConfig is bot.yaml.
type folderConfig struct {
	Name                 string                     `yaml:"name"`
	Greetings            map[string]folderGreeting  `yaml:"greetings"`
	Titles               map[string]folderBilingual `yaml:"titles"`
	OutOfScope           *string                    `yaml:"out_of_scope"`
	MinConfidence        float64                    `yaml:"min_confidence"`
	AnswerConfidence     float64                    `yaml:"answer_confidence"`
	Rating               []string                   `yaml:"rating"`
	Static               map[string]string          `yaml:"static"`
	Actions              map[string]folderAction    `yaml:"actions"`
	PendingConversations []string                   `yaml:"pending_conversations"`
}

type folderGreeting struct {
	Text         string   `yaml:"text"`
	QuickReplies []string `yaml:"quick_replies"`
}

type folderBilingual struct {
	Zh string `yaml:"zh"`
	En string `yaml:"en"`
}

type folderAction struct {
	URL       string `yaml:"url"`
	SecretEnv string `yaml:"secret_env"`
	Timeout   string `yaml:"timeout"`
}

// loader collects the problems of one LoadFolder.
type loader struct {
	fsys  fs.FS
	opts  FolderOptions
	probs []FolderProblem
	f     *Folder
	// declared are the functions the flows may call, valid or not;
	// nil when bot.yaml could not be read.
	declared map[string]bool
}

func (l *loader) add(file string, line int, format string, args ...any) {
	l.probs = append(l.probs, FolderProblem{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// read returns a file's contents, or nil and false when it does not
// exist; other errors are problems.
func (l *loader) read(name string) ([]byte, bool) {
	b, err := fs.ReadFile(l.fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false
	}
	if err != nil {
		l.add(name, 0, "%v", err)
		return nil, false
	}
	return b, true
}

// LoadFolder reads and checks the bot defined by the files of fsys (such
// as os.DirFS("mybot")): bot.yaml, intents.tsv and the optional files the
// package documentation lists. Every file is checked; when anything is
// wrong it returns no folder and a *FolderError naming each problem's file
// and line, so that a bot never runs half loaded. Nothing is trained and
// no endpoint is called; ctx is checked before reading.
func LoadFolder(ctx context.Context, fsys fs.FS, opts FolderOptions) (*Folder, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	l := &loader{fsys: fsys, opts: opts, f: &Folder{}}
	cfg, lines := l.config()
	l.vocabulary()
	known := l.intents(cfg)
	for _, r := range l.f.Rules {
		known[r.Intent] = true
	}
	l.titles(cfg, lines, known)
	l.knowledge()
	l.actions(cfg, lines)
	l.flows(known)
	l.static(cfg, lines)
	l.conversations(cfg, lines)
	if len(l.probs) > 0 {
		slices.SortStableFunc(l.probs, func(a, b FolderProblem) int {
			if c := strings.Compare(a.File, b.File); c != 0 {
				return c
			}
			return a.Line - b.Line
		})
		return nil, &FolderError{Problems: l.probs}
	}
	return l.f, nil
}

var unknownField = regexp.MustCompile(`field (\S+) not found in type \S+`)

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+)(?:: column \d+)?: (.*)$`)

// yamlErrors turns a YAML decoding error into problems of file.
func (l *loader) yamlErrors(file string, err error) {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	for _, m := range msgs {
		m = unknownField.ReplaceAllString(m, "unknown key $1")
		if sm := yamlLine.FindStringSubmatch(m); sm != nil {
			n, _ := strconv.Atoi(sm[1])
			l.add(file, n, "%s", sm[2])
		} else {
			l.add(file, 0, "%s", strings.TrimPrefix(m, "yaml: "))
		}
	}
}

// decodeYAML decodes a YAML file strictly (unknown keys are errors) into
// v and returns an index of its keys' lines ("actions.lookup.url"), or
// false when it has problems.
func (l *loader) decodeYAML(file string, data []byte, v any) (map[string]int, bool) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		l.yamlErrors(file, err)
		return nil, false
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		l.yamlErrors(file, err)
		return nil, false
	}
	lines := map[string]int{}
	if len(root.Content) > 0 {
		indexYAML(root.Content[0], "", lines)
	}
	return lines, true
}

func indexYAML(n *yaml.Node, p string, lines map[string]int) {
	lines[p] = n.Line
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if p != "" {
				k = p + "." + k
			}
			lines[k+":key"] = n.Content[i].Line
			indexYAML(n.Content[i+1], k, lines)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			indexYAML(c, fmt.Sprintf("%s[%d]", p, i), lines)
		}
	}
}

func (l *loader) config() (*folderConfig, map[string]int) {
	cfg := &folderConfig{}
	data, ok := l.read(configFile)
	if !ok {
		if !l.failedOn(configFile) {
			l.add(configFile, 0, "missing: every bot folder has one (name, greetings, titles, actions)")
		}
		return cfg, map[string]int{}
	}
	lines, ok := l.decodeYAML(configFile, data, cfg)
	if !ok {
		// The actions declared still tell which calls of the flows are
		// wrong, when the file decodes without the strict key check.
		var loose folderConfig
		if yaml.Unmarshal(data, &loose) == nil {
			l.declare(loose.Actions)
		}
		return &folderConfig{}, map[string]int{}
	}
	l.declare(cfg.Actions)
	f := l.f
	f.Name = strings.TrimSpace(cfg.Name)
	if f.Name == "" {
		l.add(configFile, lines["name"], "name: the bot needs a name")
	}
	f.OutOfScope = "out_of_scope"
	if cfg.OutOfScope != nil {
		f.OutOfScope = strings.TrimSpace(*cfg.OutOfScope)
	}
	for _, c := range []struct {
		key string
		v   float64
	}{{"min_confidence", cfg.MinConfidence}, {"answer_confidence", cfg.AnswerConfidence}} {
		if c.v < 0 || c.v > 1 {
			l.add(configFile, lines[c.key], "%s: %v is not between 0 and 1", c.key, c.v)
		}
	}
	f.MinConfidence, f.AnswerConfidence = cfg.MinConfidence, cfg.AnswerConfidence
	for i, r := range cfg.Rating {
		if strings.TrimSpace(r) == "" {
			l.add(configFile, lines[fmt.Sprintf("rating[%d]", i)], "rating: empty intent")
		}
	}
	f.Rating = cfg.Rating
	if len(cfg.Greetings) > 0 {
		f.Greetings = map[string]channel.Reply{}
	}
	for _, lang := range sortedKeys(cfg.Greetings) {
		g := cfg.Greetings[lang]
		key := "greetings." + lang
		if lang != "zh" && lang != "en" {
			l.add(configFile, lines[key+":key"], "greetings: language %q: only zh and en are spoken", lang)
			continue
		}
		if strings.TrimSpace(g.Text) == "" {
			l.add(configFile, lines[key], "greetings.%s.text: empty", lang)
			continue
		}
		r := channel.Reply{Parts: []channel.Part{channel.Text(g.Text)}}
		var qs []channel.QuickReply
		for i, q := range g.QuickReplies {
			if strings.TrimSpace(q) == "" {
				l.add(configFile, lines[fmt.Sprintf("%s.quick_replies[%d]", key, i)], "greetings.%s.quick_replies: empty reply", lang)
			}
			qs = append(qs, channel.QuickReply{Title: q})
		}
		if len(qs) > 0 {
			r.Parts = append(r.Parts, channel.QuickReplies(qs...))
		}
		f.Greetings[lang] = r
	}
	return cfg, lines
}

// declare records the functions the flows may call.
func (l *loader) declare(actions map[string]folderAction) {
	l.declared = map[string]bool{}
	for name := range actions {
		l.declared[name] = true
	}
	for name := range l.opts.Funcs {
		l.declared[name] = true
	}
}

// failedOn reports whether a problem of file was recorded already.
func (l *loader) failedOn(file string) bool {
	return slices.ContainsFunc(l.probs, func(p FolderProblem) bool { return p.File == file })
}

// intents reads intents.tsv and intents_test.tsv and returns the intents
// the classifier knows.
func (l *loader) intents(cfg *folderConfig) map[string]bool {
	known := map[string]bool{}
	data, ok := l.read(intentsFile)
	if !ok {
		if !l.failedOn(intentsFile) {
			l.add(intentsFile, 0, "missing: the intent classifier's examples, one a line as intent<TAB>text")
		}
		return known
	}
	l.f.Examples = l.tsv(intentsFile, data)
	labels := map[string]bool{}
	for _, e := range l.f.Examples {
		known[e.Intent] = true
		if e.Intent != l.f.OutOfScope {
			labels[e.Intent] = true
		}
	}
	if len(labels) < 2 && !l.failedOn(intentsFile) {
		l.add(intentsFile, 0, "examples of at least two intents are needed, found %d", len(labels))
	}
	if data, ok := l.read("intents_test.tsv"); ok {
		l.f.TestExamples = l.tsv("intents_test.tsv", data)
	}
	return known
}

// tsv reads labelled examples, reporting every bad line.
func (l *loader) tsv(name string, data []byte) []intent.Example {
	out, err := intent.ReadTSV(bytes.NewReader(data), name)
	for offset, n := 0, 0; err != nil; n++ {
		var pe *intent.ParseError
		if !errors.As(err, &pe) {
			l.add(name, 0, "%v", err)
			return nil
		}
		l.add(name, offset+pe.Line, "%s", pe.Msg)
		if n == maxFileProblems {
			break
		}
		// ReadTSV stops at the first bad line: read on from the next.
		for range pe.Line {
			i := bytes.IndexByte(data, '\n')
			if i < 0 {
				return nil
			}
			data = data[i+1:]
		}
		offset += pe.Line
		_, err = intent.ReadTSV(bytes.NewReader(data), name)
	}
	return out
}

// vocabulary reads words.txt, synonyms.txt and rules.yaml.
func (l *loader) vocabulary() {
	if data, ok := l.read("words.txt"); ok {
		l.lines("words.txt", data, func(n int, s string) {
			l.f.Words = append(l.f.Words, s)
		})
	}
	if data, ok := l.read("synonyms.txt"); ok {
		l.lines("synonyms.txt", data, func(n int, s string) {
			var g []string
			for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == '\t' || r == ',' || r == '，' }) {
				if w = strings.TrimSpace(w); w != "" {
					g = append(g, w)
				}
			}
			if len(g) < 2 {
				l.add("synonyms.txt", n, "a group needs two words or more, separated by commas or TABs")
				return
			}
			l.f.Synonyms = append(l.f.Synonyms, g)
		})
	}
	if len(l.f.Words) > 0 || len(l.f.Synonyms) > 0 {
		if _, err := kb.NewIndex(kb.IndexOptions{Words: l.f.Words, Synonyms: l.f.Synonyms}); err != nil {
			l.add("synonyms.txt", 0, "%v", err)
		}
	}
	if data, ok := l.read("rules.yaml"); ok {
		var rules []intent.Rule
		var rs []struct {
			Name     string   `yaml:"name"`
			Intent   string   `yaml:"intent"`
			Keywords []string `yaml:"keywords"`
			Pattern  string   `yaml:"pattern"`
		}
		lines, ok := l.decodeYAML("rules.yaml", data, &rs)
		if !ok {
			return
		}
		for i, r := range rs {
			at := lines[fmt.Sprintf("[%d]", i)]
			switch {
			case strings.TrimSpace(r.Intent) == "":
				l.add("rules.yaml", at, "rule %d: no intent", i+1)
			case len(r.Keywords) == 0 && r.Pattern == "":
				l.add("rules.yaml", at, "rule %d: neither keywords nor a pattern", i+1)
			}
			if r.Pattern != "" {
				if _, err := regexp.Compile(r.Pattern); err != nil {
					l.add("rules.yaml", lines[fmt.Sprintf("[%d].pattern", i)], "rule %d: pattern: %v", i+1, err)
				}
			}
			rules = append(rules, intent.Rule{Name: r.Name, Intent: strings.TrimSpace(r.Intent), Keywords: r.Keywords, Pattern: r.Pattern})
		}
		l.f.Rules = rules
	}
}

// lines calls fn with each line of a list file that is neither blank nor
// a comment (#).
func (l *loader) lines(name string, data []byte, fn func(line int, s string)) {
	sc := bufio.NewScanner(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		s := strings.TrimSpace(sc.Text())
		if !utf8.ValidString(s) {
			l.add(name, n, "invalid UTF-8")
			continue
		}
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		fn(n, s)
	}
	if err := sc.Err(); err != nil {
		l.add(name, 0, "%v", err)
	}
}

func (l *loader) titles(cfg *folderConfig, lines map[string]int, known map[string]bool) {
	if len(cfg.Titles) == 0 {
		return
	}
	l.f.Titles = map[string]channel.Bilingual{}
	for _, in := range sortedKeys(cfg.Titles) {
		t := cfg.Titles[in]
		if !known[in] && l.f.Examples != nil {
			l.add(configFile, lines["titles."+in+":key"], "titles: unknown intent %q (not in %s or rules.yaml)", in, intentsFile)
		}
		if strings.TrimSpace(t.Zh) == "" && strings.TrimSpace(t.En) == "" {
			l.add(configFile, lines["titles."+in], "titles.%s: neither zh nor en", in)
		}
		l.f.Titles[in] = channel.Bilingual{Zh: t.Zh, En: t.En}
	}
}

// knowledge reads the FAQ: faq.json, faq.csv or faq.xlsx.
func (l *loader) knowledge() {
	var found []string
	for _, name := range []string{"faq.json", "faq.csv", "faq.xlsx"} {
		if _, err := fs.Stat(l.fsys, name); err == nil {
			found = append(found, name)
		}
	}
	if len(found) > 1 {
		l.add(found[1], 0, "two knowledge bases (%s): keep one", strings.Join(found, ", "))
		return
	}
	if len(found) == 0 {
		return
	}
	name := found[0]
	data, ok := l.read(name)
	if !ok {
		return
	}
	format, _ := kb.FormatOf(name)
	es, err := kb.ReadEntries(bytes.NewReader(data), format)
	if err == nil {
		l.f.Entries = es
		return
	}
	var rowLines []int // CSV: the line each row starts on
	if format == kb.CSV {
		rowLines = csvRowLines(data)
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		var fe *kb.FieldError
		if !errors.As(e, &fe) {
			l.add(name, 0, "%s", strings.TrimPrefix(e.Error(), "kb: "))
			continue
		}
		p := FolderProblem{File: name}
		msg := fe.Err.Error()
		if fe.Column != "" {
			msg = fe.Column + ": " + msg
		}
		switch {
		case format == kb.JSON && strings.HasPrefix(fe.Cell, "line "):
			p.Line, _ = strconv.Atoi(strings.TrimPrefix(fe.Cell, "line "))
			msg = fmt.Sprintf("entry %d: %s", fe.Row, msg)
		case format == kb.CSV && strings.HasPrefix(fe.Cell, "line "):
			// A CSV syntax error: the cell names its line and column.
			n, _ := strconv.Atoi(strings.TrimPrefix(strings.SplitN(fe.Cell, ",", 2)[0], "line "))
			p.Line = n
		case format == kb.CSV && fe.Row >= 1 && fe.Row <= len(rowLines):
			p.Line = rowLines[fe.Row-1]
			msg = fmt.Sprintf("row %d: %s", fe.Row, msg)
		case format == kb.XLSX:
			p.Cell = fe.Cell
			msg = fmt.Sprintf("row %d: %s", fe.Row, msg)
		default:
			msg = fmt.Sprintf("row %d: %s", fe.Row, msg)
		}
		p.Msg = msg
		l.probs = append(l.probs, p)
	}
}

// csvRowLines returns the line each record of a CSV file starts on.
func csvRowLines(data []byte) []int {
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	cr.FieldsPerRecord = -1
	var out []int
	for {
		if _, err := cr.Read(); err != nil {
			return out
		}
		line, _ := cr.FieldPos(0)
		out = append(out, line)
	}
}

// maxActionTimeout bounds an HTTP action's timeout: the turn waits for it
// while it holds the session.
const maxActionTimeout = 10 * time.Second

func (l *loader) actions(cfg *folderConfig, lines map[string]int) {
	l.f.Funcs = map[string]dialogue.Func{}
	for name, fn := range l.opts.Funcs {
		l.f.Funcs[name] = fn
	}
	for _, name := range sortedKeys(cfg.Actions) {
		a := cfg.Actions[name]
		key := "actions." + name
		line := func(field string) int {
			if n := lines[key+"."+field]; n > 0 {
				return n
			}
			return lines[key]
		}
		if _, dup := l.opts.Funcs[name]; dup {
			l.add(configFile, lines[key+":key"], "actions: %q is the name of a function of the program", name)
			continue
		}
		act := HTTPAction{Name: name, URL: a.URL, Client: l.opts.Client}
		if a.Timeout != "" {
			d, err := time.ParseDuration(a.Timeout)
			if err != nil || d <= 0 || d > maxActionTimeout {
				l.add(configFile, line("timeout"), "%s.timeout: %q is not a duration between 0 and %v (such as 3s)", key, a.Timeout, maxActionTimeout)
			}
			act.Timeout = d
		}
		switch {
		case a.SecretEnv == "":
			l.add(configFile, lines[key+":key"], "%s.secret_env: missing: name the environment variable that holds the signing secret", key)
		case l.opts.Getenv(a.SecretEnv) == "":
			l.add(configFile, line("secret_env"), "%s.secret_env: the environment variable %s is not set", key, a.SecretEnv)
		default:
			act.Secret = []byte(l.opts.Getenv(a.SecretEnv))
		}
		if err := act.checkURL(); err != nil {
			l.add(configFile, line("url"), "%s.url: %v", key, err)
			continue
		}
		if act.Secret == nil || act.Timeout < 0 || act.Timeout > maxActionTimeout {
			continue
		}
		fn, err := act.Func()
		if err != nil {
			l.add(configFile, lines[key+":key"], "%s: %v", key, err)
			continue
		}
		l.f.Funcs[name] = fn
	}
}

func (l *loader) flows(known map[string]bool) {
	names, err := fs.Glob(l.fsys, "flows/*.yaml")
	if err != nil || len(names) == 0 {
		return
	}
	flows, err := dialogue.LoadFlows(l.fsys, "flows/*.yaml")
	var fe *dialogue.FlowError
	switch {
	case errors.As(err, &fe):
		for _, p := range fe.Problems {
			msg := p.Msg
			if p.Path != "" {
				msg = p.Path + ": " + msg
			}
			l.add(p.Pos.File, p.Pos.Line, "%s", msg)
		}
		return
	case err != nil:
		l.add("flows", 0, "%v", err)
		return
	}
	// What the flows name: functions, and intents that must be known.
	file := map[string]string{}
	bad := false
	for i, n := range names {
		file[flows[i].Name] = n
		data, _ := fs.ReadFile(l.fsys, n)
		var root yaml.Node
		if yaml.Unmarshal(data, &root) != nil || len(root.Content) == 0 {
			continue
		}
		walkYAML(root.Content[0], "", func(key string, v *yaml.Node) {
			switch key {
			case "call":
				if l.declared != nil && !l.declared[v.Value] {
					l.add(n, v.Line, "call %s: no such action: declare it under actions in %s", v.Value, configFile)
					bad = true
				}
			case "intents", "intent":
				if l.f.Examples == nil {
					return
				}
				items := []*yaml.Node{v}
				if v.Kind == yaml.SequenceNode {
					items = v.Content
				}
				for _, it := range items {
					if it.Kind == yaml.ScalarNode && !known[it.Value] {
						l.add(n, it.Line, "intent %s: not in %s or rules.yaml, so nothing recognizes it", it.Value, intentsFile)
						bad = true
					}
				}
			}
		})
	}
	for _, fl := range flows {
		for _, st := range fl.States {
			for _, d := range st.Do {
				if d.Call != "" && l.f.Funcs[d.Call] == nil {
					// Declared, but reported as invalid already.
					bad = true
				}
			}
		}
	}
	if bad {
		return
	}
	// The flows together (duplicate names, an intent starting two flows).
	if _, err := dialogue.NewEngine(flows, dialogue.Options{Funcs: l.f.Funcs}); err != nil {
		if errors.As(err, &fe) {
			for _, p := range fe.Problems {
				name := "flows"
				for fl, n := range file {
					if strings.HasPrefix(p.Msg, "flow "+fl+": ") {
						name = n
					}
				}
				l.add(name, 0, "%s", p.Msg)
			}
		} else {
			l.add("flows", 0, "%v", err)
		}
		return
	}
	l.f.Flows = flows
}

// walkYAML calls fn with every mapping key and its value under n, except
// inside translations.
func walkYAML(n *yaml.Node, parent string, fn func(key string, v *yaml.Node)) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if parent == "" && k == "translations" {
				continue
			}
			fn(k, n.Content[i+1])
			walkYAML(n.Content[i+1], k, fn)
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			walkYAML(c, parent+"[]", fn)
		}
	}
}

func (l *loader) static(cfg *folderConfig, lines map[string]int) {
	for _, prefix := range sortedKeys(cfg.Static) {
		dir := path.Clean(cfg.Static[prefix])
		at := lines["static."+prefix]
		if !strings.HasPrefix(prefix, "/") || !strings.HasSuffix(prefix, "/") || prefix == "/" {
			l.add(configFile, at, "static: %q: a URL path prefix starts and ends with / (such as /img/)", prefix)
			continue
		}
		if !fs.ValidPath(dir) || dir == "." {
			l.add(configFile, at, "static.%s: %q is not a directory of the folder", prefix, cfg.Static[prefix])
			continue
		}
		sub, err := fs.Sub(l.fsys, dir)
		if st, serr := fs.Stat(l.fsys, dir); err != nil || serr != nil || !st.IsDir() {
			l.add(configFile, at, "static.%s: no directory %s in the folder", prefix, dir)
			continue
		}
		if l.f.Static == nil {
			l.f.Static = map[string]fs.FS{}
		}
		l.f.Static[prefix] = sub
	}
}

func (l *loader) conversations(cfg *folderConfig, lines map[string]int) {
	names, _ := fs.Glob(l.fsys, "conversations/*.yaml")
	if len(names) == 0 {
		for i, p := range cfg.PendingConversations {
			l.add(configFile, lines[fmt.Sprintf("pending_conversations[%d]", i)], "pending_conversations: no conversations/%s", p)
		}
		return
	}
	sub, _ := fs.Sub(l.fsys, "conversations")
	for _, n := range names {
		// convtest stops at a file's first problem: load each file alone
		// to report every file.
		if _, err := convtest.Load(sub, path.Base(n)); err != nil {
			line := 0
			msg := err.Error()
			if sm := convLine.FindStringSubmatch(msg); sm != nil {
				line, _ = strconv.Atoi(sm[1])
				msg = sm[2]
			}
			l.add(n, line, "%s", msg)
		}
	}
	for i, p := range cfg.PendingConversations {
		if !slices.Contains(names, "conversations/"+p) {
			l.add(configFile, lines[fmt.Sprintf("pending_conversations[%d]", i)], "pending_conversations: no conversations/%s", p)
		}
	}
	l.f.Conversations = sub
	l.f.PendingConversations = cfg.PendingConversations
}

var convLine = regexp.MustCompile(`^(?:convtest: )?[^:\s]+\.ya?ml:(\d+)(?::\d+)?: (.*)$`)

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
