package intent

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testOptions keep networks small so that tests under -race stay quick.
func testOptions() Options {
	return Options{Seed: 7, Hidden: 64}
}

var (
	modelOnce sync.Once
	model     *Model
	modelErr  error
)

func readTestdata(t testing.TB, name string) []Example {
	t.Helper()
	ex, err := ReadTSVFile("testdata/" + name)
	require.NoError(t, err)
	return ex
}

// trainedModel is one model shared by the tests that only read it.
func trainedModel(t testing.TB) *Model {
	t.Helper()
	modelOnce.Do(func() {
		train, err := ReadTSVFile("testdata/train.tsv")
		if err != nil {
			modelErr = err
			return
		}
		model, modelErr = Train(context.Background(), train, testOptions())
	})
	require.NoError(t, modelErr)
	return model
}

func TestClassifyHeldOut(t *testing.T) {
	m := trainedModel(t)
	test := readTestdata(t, "test.tsv")
	rep := must(Evaluate(bg, m, test, EvalOptions{}))
	// Held-out phrasings in Chinese and English, none seen in training.
	assert.GreaterOrEqual(t, rep.Accuracy, 0.9, "accuracy on held-out phrasings; mistakes: %+v", rep.Errors)

	r := must(m.Classify(bg, "我想退款"))
	assert.Equal(t, "refund", r.Intent)
	assert.False(t, r.OutOfScope)
	require.NotEmpty(t, r.Ranked)
	assert.Equal(t, r.Intent, r.Ranked[0].Intent)
	assert.InDelta(t, r.Confidence, r.Ranked[0].Confidence, 1e-9)
	for i := 1; i < len(r.Ranked); i++ {
		assert.GreaterOrEqual(t, r.Ranked[i-1].Confidence, r.Ranked[i].Confidence, "ranked in decreasing confidence")
	}
	assert.Len(t, r.Ranked, 5)
	assert.Len(t, must(m.ClassifyTop(bg, "我想退款", 100)).Ranked, len(m.Intents()))
	var sum float64
	for _, s := range must(m.ClassifyTop(bg, "我想退款", 100)).Ranked {
		assert.True(t, s.Confidence >= 0 && s.Confidence <= 1)
		sum += s.Confidence
	}
	assert.InDelta(t, 1, sum, 1e-3, "confidences over all intents are a distribution")
}

func TestBadInput(t *testing.T) {
	m := trainedModel(t)
	for _, in := range []string{"", "   ", "\t\n", "\xff\xfe"} {
		r := must(m.Classify(bg, in))
		assert.True(t, r.OutOfScope, "%q is out of scope", in)
		assert.Zero(t, r.Confidence, "%q has zero confidence", in)
		assert.Empty(t, r.Intent)
	}
	// Invalid bytes inside a real question do not hide it.
	assert.Equal(t, "refund", must(m.Classify(bg, "我要\xff退款")).Intent)
	// A 100 KB message is classified (from its beginning) without trouble.
	huge := "我要退款" + strings.Repeat("啊", 100<<10/3)
	r := must(m.Classify(bg, huge))
	assert.Equal(t, "refund", r.Ranked[0].Intent)
	r = must(m.Classify(bg, strings.Repeat("\xff", 100<<10)))
	assert.True(t, r.OutOfScope)
}

func TestTrainErrors(t *testing.T) {
	ctx := context.Background()
	_, err := Train(ctx, nil, Options{})
	assert.ErrorIs(t, err, ErrNoExamples)
	_, err = Train(ctx, []Example{{"a", "x"}, {"b", "x"}}, Options{})
	assert.ErrorIs(t, err, ErrOneIntent)
	_, err = Train(ctx, []Example{{"a", "x"}, {"b", ""}}, Options{})
	var ee *ExampleError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, 1, ee.Index)
	assert.Contains(t, err.Error(), "empty intent")
	_, err = Train(ctx, []Example{{"a", "oos"}, {"b", "oos"}}, Options{OutOfScope: "oos"})
	assert.ErrorIs(t, err, ErrNoExamples, "out-of-scope examples are not trained on")
	_, err = Train(ctx, []Example{{"a", "x"}, {"b", "y"}}, Options{Rules: []Rule{{Intent: "x", Pattern: "("}}})
	assert.ErrorContains(t, err, "rule 1")
	_, err = Train(ctx, []Example{{"a", "x"}, {"b", "y"}}, Options{Rules: []Rule{{Intent: "x"}}})
	assert.ErrorContains(t, err, "neither keywords nor pattern")

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = Train(cctx, readTestdata(t, "train.tsv"), testOptions())
	assert.ErrorIs(t, err, context.Canceled)
}

func TestSaveLoadIdentical(t *testing.T) {
	m := trainedModel(t)
	var buf bytes.Buffer
	n, err := m.WriteTo(&buf)
	require.NoError(t, err)
	assert.Equal(t, int64(buf.Len()), n)
	loaded, err := Load(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	assert.Equal(t, m.Intents(), loaded.Intents())
	assert.Equal(t, m.Info(), loaded.Info())
	for _, e := range append(readTestdata(t, "test.tsv"), readTestdata(t, "val.tsv")...) {
		assert.Equal(t, must(m.ClassifyTop(bg, e.Text, 100)), must(loaded.ClassifyTop(bg, e.Text, 100)), e.Text)
	}

	path := t.TempDir() + "/model.bin"
	require.NoError(t, m.Save(path))
	fromFile, err := LoadFile(path)
	require.NoError(t, err)
	assert.Equal(t, must(m.Classify(bg, "发票")), must(fromFile.Classify(bg, "发票")))
}

func TestLoadRejectsDamage(t *testing.T) {
	m := trainedModel(t)
	var buf bytes.Buffer
	_, err := m.WriteTo(&buf)
	require.NoError(t, err)
	good := buf.Bytes()

	for name, data := range map[string][]byte{
		"empty":     nil,
		"magic":     append([]byte("NOT-A-MODEL\n"), good[12:]...),
		"truncated": good[:len(good)/2],
		"no crc":    good[:len(good)-4],
		"flipped": func() []byte {
			b := bytes.Clone(good)
			b[len(b)/2] ^= 0x40
			return b
		}(),
	} {
		_, err := Load(bytes.NewReader(data))
		assert.ErrorIs(t, err, ErrBadModel, name)
	}
	_, err = LoadFile(t.TempDir() + "/missing.bin")
	assert.Error(t, err)
}

func TestDeterministic(t *testing.T) {
	train := readTestdata(t, "train.tsv")
	save := func(workers int) []byte {
		o := testOptions()
		o.Workers = workers
		m, err := Train(context.Background(), train, o)
		require.NoError(t, err)
		var buf bytes.Buffer
		_, err = m.WriteTo(&buf)
		require.NoError(t, err)
		return buf.Bytes()
	}
	a, b := save(1), save(4)
	assert.True(t, bytes.Equal(a, b), "same seed gives the same model whatever the parallelism")

	o := testOptions()
	o.Seed++
	o.Threshold = 0.3 // no tuning: the networks differ all the same
	m2, err := Train(context.Background(), train, o)
	require.NoError(t, err)
	var buf bytes.Buffer
	_, err = m2.WriteTo(&buf)
	require.NoError(t, err)
	assert.False(t, bytes.Equal(a, buf.Bytes()), "another seed gives another model")
}

func TestConcurrentClassify(t *testing.T) {
	m := trainedModel(t)
	test := readTestdata(t, "test.tsv")
	want := make([]Result, len(test))
	for i, e := range test {
		want[i] = must(m.Classify(bg, e.Text))
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range 20 {
				i := (g + r) % len(test)
				assert.Equal(t, want[i], must(m.Classify(bg, test[i].Text)))
			}
		}()
	}
	wg.Wait()
}

func TestRulesOverride(t *testing.T) {
	train := readTestdata(t, "train.tsv")
	o := testOptions()
	o.Threshold = 0.3
	o.Rules = []Rule{
		{Name: "vip", Intent: "human_agent", Keywords: []string{"VIP", "投诉"}},
		{Intent: "order_status", Pattern: `\bso\d{6,}\b`},
		{Intent: "lost_card", Keywords: []string{"lost card"}},
	}
	m, err := Train(context.Background(), train, o)
	require.NoError(t, err)

	r := must(m.Classify(bg, "我是ＶＩＰ，我要退款"))
	assert.Equal(t, "human_agent", r.Intent, "keyword rule beats the model")
	assert.Equal(t, "vip", r.Rule)
	assert.Equal(t, 1.0, r.Confidence)

	r = must(m.Classify(bg, "what about SO1234567"))
	assert.Equal(t, "order_status", r.Intent)
	assert.Equal(t, "rule 2", r.Rule)

	assert.Equal(t, "lost_card", must(m.Classify(bg, "I have a lost card")).Intent, "rules may name intents the model lacks")
	assert.Empty(t, must(m.Classify(bg, "vipassana retreat")).Rule, "keywords match whole words")
	assert.Empty(t, must(m.Classify(bg, "我要退款")).Rule)

	// Rules survive saving.
	var buf bytes.Buffer
	_, err = m.WriteTo(&buf)
	require.NoError(t, err)
	loaded, err := Load(&buf)
	require.NoError(t, err)
	assert.Equal(t, "vip", must(loaded.Classify(bg, "投诉你们")).Rule)
}

func TestThreshold(t *testing.T) {
	train := readTestdata(t, "train.tsv")
	val := readTestdata(t, "val_split.tsv")
	o := testOptions()
	o.Validation = val
	o.OutOfScope = "oos"
	m, err := Train(context.Background(), withOOS(t), o)
	require.NoError(t, err)
	info := m.Info()
	assert.Equal(t, ThresholdValidation, info.ThresholdSource)
	assert.Greater(t, info.Threshold, 0.0)
	// The threshold rejects at most a small share of the validation texts
	// the model gets right.
	right, rejected := 0, 0
	for _, e := range inScope(val) {
		r := must(m.ClassifyTop(bg, e.Text, 1))
		if r.Ranked[0].Intent == e.Intent {
			right++
			if r.OutOfScope {
				rejected++
			}
		}
	}
	assert.LessOrEqual(t, float64(rejected), maxRejectRight*float64(right)+1e-9, "%d of %d rejected", rejected, right)

	fixed, err := Train(context.Background(), train, Options{Seed: 7, Hidden: 64, Threshold: 0.99})
	require.NoError(t, err)
	assert.Equal(t, ThresholdFixed, fixed.Info().ThresholdSource)
	r := must(fixed.Classify(bg, "我的订单到哪了"))
	assert.True(t, r.OutOfScope, "nothing reaches 0.99 under label smoothing")
	assert.Empty(t, r.Intent)
	assert.Equal(t, "order_status", r.Ranked[0].Intent, "the ranking stays available for suggestions")

	off, err := Train(context.Background(), train, Options{Seed: 7, Hidden: 64, Threshold: -1})
	require.NoError(t, err)
	assert.Equal(t, ThresholdDisabled, off.Info().ThresholdSource)
	assert.Zero(t, off.Threshold())

	def := trainedModel(t).Info()
	assert.Equal(t, ThresholdDefault, def.ThresholdSource)
	assert.Greater(t, def.Threshold, 0.0)
	assert.LessOrEqual(t, def.Threshold, float64(defaultThreshold(def.Intents))+1e-6)
}

func TestReadTSV(t *testing.T) {
	good := "\ufeffrefund\t我要退款\r\n\nrefund\t退钱\norder\twhere is my order"
	ex, err := ReadTSV(strings.NewReader(good), "good.tsv")
	require.NoError(t, err)
	assert.Equal(t, []Example{{"我要退款", "refund"}, {"退钱", "refund"}, {"where is my order", "order"}}, ex)

	for _, c := range []struct {
		in   string
		line int
		msg  string
	}{
		{"a\tb\nno tab here\n", 2, "no TAB"},
		{"a\tb\n\tempty label\n", 2, "empty intent"},
		{"a\tb\nc\t   \n", 2, "empty text"},
		{"a\tb\n\nc\t\xff\n", 3, "invalid UTF-8"},
		{"a\t" + strings.Repeat("x", MaxLineBytes+10) + "\n", 1, "longer than"},
	} {
		_, err := ReadTSV(strings.NewReader(c.in), "bad.tsv")
		var pe *ParseError
		require.ErrorAs(t, err, &pe, c.in)
		assert.Equal(t, "bad.tsv", pe.File)
		assert.Equal(t, c.line, pe.Line)
		assert.Contains(t, pe.Error(), c.msg)
		assert.Contains(t, pe.Error(), "bad.tsv:")
	}
	_, err = ReadTSVFile("testdata/does-not-exist.tsv")
	assert.Error(t, err)
	assert.False(t, errors.Is(err, ErrBadModel))
}

func TestTokenizerOption(t *testing.T) {
	vocab := "[UNK]\nrefund\n##able\norder\n##s\ntrack\n##ing\n"
	tok, err := WordPieceTokenizer(strings.NewReader(vocab))
	require.NoError(t, err)
	o := testOptions()
	o.Threshold = 0.3
	o.Tokenizer = tok
	m, err := Train(context.Background(), readTestdata(t, "train.tsv"), o)
	require.NoError(t, err)
	var buf bytes.Buffer
	_, err = m.WriteTo(&buf)
	require.NoError(t, err)
	loaded, err := Load(&buf)
	require.NoError(t, err)
	for _, q := range []string{"is it refundable", "tracking my orders", "我要退款"} {
		assert.Equal(t, must(m.ClassifyTop(bg, q, 100)), must(loaded.ClassifyTop(bg, q, 100)), q)
	}
	o.Tokenizer = []byte("{not json")
	_, err = Train(context.Background(), readTestdata(t, "train.tsv"), o)
	assert.Error(t, err)
}

func TestClassifyTopZero(t *testing.T) {
	m := trainedModel(t)
	r := must(m.ClassifyTop(bg, "我想退款", 0))
	assert.Empty(t, r.Ranked)
	assert.Equal(t, "refund", r.Intent)
	assert.Greater(t, r.Confidence, 0.0)
}

func TestLoadRejectsBadHeaders(t *testing.T) {
	m := trainedModel(t)
	var buf bytes.Buffer
	_, err := m.WriteTo(&buf)
	require.NoError(t, err)
	// Rewrite the header with hostile settings, then fix the checksum so
	// that only the header checks can refuse it.
	for name, edit := range map[string]func(*fileHeader){
		"n-gram range": func(h *fileHeader) { h.Views[1].Features.HanMax = 1 << 20 },
		"negative min": func(h *fileHeader) { h.Views[1].Features.HanMin = -1 },
		"threshold":    func(h *fileHeader) { h.Threshold = 2 },
		"repeated":     func(h *fileHeader) { h.Intents[1] = h.Intents[0] },
		"huge view":    func(h *fileHeader) { h.Views[0].Columns = 1 << 25 },
	} {
		data := rewriteHeader(t, buf.Bytes(), edit)
		_, err := Load(bytes.NewReader(data))
		assert.ErrorIs(t, err, ErrBadModel, name)
	}
}

// rewriteHeader changes a model file's header and recomputes its checksum.
func rewriteHeader(t *testing.T, file []byte, edit func(*fileHeader)) []byte {
	t.Helper()
	off := len(magic) + 4
	n := int(binary.LittleEndian.Uint32(file[off:]))
	var h fileHeader
	require.NoError(t, json.Unmarshal(file[off+4:off+4+n], &h))
	edit(&h)
	hb, err := json.Marshal(h)
	require.NoError(t, err)
	var out bytes.Buffer
	out.Write(file[:off])
	var l [4]byte
	binary.LittleEndian.PutUint32(l[:], uint32(len(hb)))
	out.Write(l[:])
	out.Write(hb)
	out.Write(file[off+4+n : len(file)-4])
	binary.LittleEndian.PutUint32(l[:], crc32.ChecksumIEEE(out.Bytes()))
	out.Write(l[:])
	return out.Bytes()
}
