package dataset

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// want holds the converted files of the small datasets in testdata.
var want = map[string]map[string]string{
	"clinc150": {
		"train.tsv":          "balance\thow much money do i have\nbalance\tcheck my balance please\nplay_music\tput on a song\n",
		"val.tsv":            "balance\twhat is my balance\nplay_music\tplay some jazz\n",
		"test.tsv":           "balance\tbalance of my account\nplay_music\tplay music\n",
		"oos_train.tsv":      "oos\ttell me a joke\n",
		"oos_val.tsv":        "oos\thow tall is everest\n",
		"oos_test.tsv":       "oos\twho won the game\n",
		"with_oos_train.tsv": "balance\thow much money do i have\nbalance\tcheck my balance please\nplay_music\tput on a song\noos\ttell me a joke\n",
		"with_oos_val.tsv":   "balance\twhat is my balance\nplay_music\tplay some jazz\noos\thow tall is everest\n",
		"with_oos_test.tsv":  "balance\tbalance of my account\nplay_music\tplay music\noos\twho won the game\n",
	},
	"banking77": {
		"train.tsv": "card_arrival\tMy new card has not come yet?\ncard_not_working\tMy card, it does not work\n" +
			"transfer_into_account\tI want to transfer money here. .\n",
		"test.tsv": "card_arrival\tWhere can I find my card?\ncard_not_working\tShe said \"hello\"  twice\n",
	},
	"smp2017_ecdt_task1": {
		"train.tsv": "chat\t你好\nchat\t你是谁\nweather\t明天天气怎么样\nweather\t北京下雨吗\n",
		"val.tsv":   "chat\t讲个 笑话\n",
		"test.tsv":  "weather\t后天冷不冷\n",
	},
	"afqmc": {
		"test.tsv":  "1\t花呗怎么还款\t花呗如何还钱\n0\t借呗额度\t花呗额度\n",
		"train.tsv": "1\t借呗能提额吗\t借呗怎么提额\n0\t***元能借吗\t能借***元吗\n",
	},
	"sighan2005": {
		"pku_test.tsv": "我们 今天 去 公园\t我们今天去公园\n你好 ， 朋友 们\t你好，朋友们\n",
		"msr_test.tsv": "“ 天气 很 好 ”\t“天气很好”\n开门 见山\t开门见山\n",
	},
}

// server serves testdata, counting requests; files under /broken/ answer
// with the status in their name, and /truncated/ promises more bytes than
// it sends.
type server struct {
	*httptest.Server
	requests atomic.Int64
}

func newServer(t *testing.T) *server {
	s := &server{}
	files := http.FileServer(http.Dir("testdata"))
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		switch {
		case strings.HasPrefix(r.URL.Path, "/status/"):
			code, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/status/"))
			http.Error(w, http.StatusText(code), code)
		case strings.HasPrefix(r.URL.Path, "/truncated/"):
			b, err := os.ReadFile(filepath.Join("testdata", strings.TrimPrefix(r.URL.Path, "/truncated/")))
			if err != nil {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Length", strconv.Itoa(len(b)))
			w.Write(b[:len(b)/2])
		case strings.HasPrefix(r.URL.Path, "/short/"):
			// No Content-Length: the body simply ends early.
			b, _ := os.ReadFile(filepath.Join("testdata", strings.TrimPrefix(r.URL.Path, "/short/")))
			w.Write(b[:len(b)/2])
			w.(http.Flusher).Flush()
		case strings.HasPrefix(r.URL.Path, "/slow/"):
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		default:
			files.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

// fake returns a copy of the registered dataset name whose files are the
// ones in testdata, served by s, with their checksums and sizes pinned.
func fake(t *testing.T, s *server, name string) *Dataset {
	t.Helper()
	reg, err := Lookup(name)
	require.NoError(t, err)
	d := *reg
	d.Files = nil
	for _, f := range reg.Files {
		b, err := os.ReadFile(filepath.Join("testdata", name, f.Name))
		require.NoError(t, err)
		d.Files = append(d.Files, File{Name: f.Name, URL: s.URL + "/" + name + "/" + f.Name, SHA256: sum(b), Size: int64(len(b))})
	}
	d.Outputs = nil
	for _, o := range reg.Outputs {
		w, ok := want[name][o.Name]
		require.True(t, ok, "no expected %s for %s", o.Name, name)
		d.Outputs = append(d.Outputs, Output{Name: o.Name, SHA256: sum([]byte(w))})
	}
	return &d
}

func TestFetchConverts(t *testing.T) {
	s := newServer(t)
	for _, reg := range List() {
		t.Run(reg.Name, func(t *testing.T) {
			d := fake(t, s, reg.Name)
			root := t.TempDir()
			var log bytes.Buffer
			dir, err := Fetch(context.Background(), d, Options{Dir: root, Log: &log})
			require.NoError(t, err)
			assert.Equal(t, filepath.Join(root, reg.Name), dir)
			for name, w := range want[reg.Name] {
				b, err := os.ReadFile(filepath.Join(dir, name))
				require.NoError(t, err)
				assert.Equal(t, w, string(b), name)
			}
			for _, f := range d.Files {
				assert.FileExists(t, filepath.Join(dir, "download", f.Name))
			}
			assert.Contains(t, log.String(), reg.License, "a download prints the licence")
			assert.Contains(t, log.String(), reg.Citation, "a download prints the citation")
			assertNoTemp(t, root)
		})
	}
}

func TestFetchReusesCache(t *testing.T) {
	s := newServer(t)
	d := fake(t, s, "banking77")
	root := t.TempDir()
	ctx := context.Background()
	_, err := Fetch(ctx, d, Options{Dir: root})
	require.NoError(t, err)
	require.EqualValues(t, 2, s.requests.Load())

	var log bytes.Buffer
	dir, err := Fetch(ctx, d, Options{Dir: root, Log: &log})
	require.NoError(t, err)
	assert.EqualValues(t, 2, s.requests.Load(), "a complete cache is used without a download")
	assert.Contains(t, log.String(), "cached")
	assert.Contains(t, log.String(), "licence: CC BY 4.0")

	// A damaged converted file is made again from the cached downloads.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "train.tsv"), []byte("x\ty\n"), 0o644))
	_, err = Fetch(ctx, d, Options{Dir: root})
	require.NoError(t, err)
	assert.EqualValues(t, 2, s.requests.Load(), "downloads whose checksum matches are reused")
	b, _ := os.ReadFile(filepath.Join(dir, "train.tsv"))
	assert.Equal(t, want["banking77"]["train.tsv"], string(b))

	// A damaged download is downloaded again, and only that one.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "download", "test.csv"), []byte("text,category\n"), 0o644))
	require.NoError(t, os.Remove(filepath.Join(dir, "test.tsv")))
	log.Reset()
	_, err = Fetch(ctx, d, Options{Dir: root, Log: &log})
	require.NoError(t, err)
	assert.EqualValues(t, 3, s.requests.Load())
	assert.Contains(t, log.String(), "does not match its checksum")
	b, _ = os.ReadFile(filepath.Join(dir, "download", "test.csv"))
	assert.Equal(t, d.Files[1].SHA256, sum(b))
}

func TestFetchChecksumMismatch(t *testing.T) {
	s := newServer(t)
	d := fake(t, s, "clinc150")
	d.Files[0].SHA256 = strings.Repeat("0", 64)
	root := t.TempDir()
	_, err := Fetch(context.Background(), d, Options{Dir: root})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "SHA-256 is "+sum(mustRead(t, "testdata/clinc150/data_full.json")))
	assert.Contains(t, err.Error(), "want "+strings.Repeat("0", 64))
	assert.NoFileExists(t, filepath.Join(root, "clinc150", "download", "data_full.json"), "a file with the wrong checksum is not kept")
	assert.NoFileExists(t, filepath.Join(root, "clinc150", "train.tsv"))
	assertNoTemp(t, root)

	// A cached download with the wrong bytes is removed and downloaded
	// again; when the new bytes are wrong too, nothing is left.
	require.NoError(t, os.WriteFile(filepath.Join(root, "clinc150", "download", "data_full.json"), []byte("{}"), 0o644))
	_, err = Fetch(context.Background(), d, Options{Dir: root})
	require.Error(t, err)
	assert.NoFileExists(t, filepath.Join(root, "clinc150", "download", "data_full.json"))
}

func TestFetchConvertedChecksum(t *testing.T) {
	s := newServer(t)
	d := fake(t, s, "sighan2005")
	d.Outputs[0].SHA256 = strings.Repeat("a", 64)
	root := t.TempDir()
	_, err := Fetch(context.Background(), d, Options{Dir: root})
	require.ErrorContains(t, err, "converted pku_test.tsv has SHA-256")
	assert.NoFileExists(t, filepath.Join(root, "sighan2005", "pku_test.tsv"))
}

func TestFetchHTTPFailures(t *testing.T) {
	s := newServer(t)
	for _, tc := range []struct {
		path, msg string
	}{
		{"/status/404", "404 Not Found"},
		{"/status/500", "500 Internal Server Error"},
		{"/clinc150/missing.json", "404 Not Found"},
		{"/truncated/clinc150/data_full.json", "unexpected EOF"},
		{"/short/clinc150/data_full.json", "got 205 bytes, want 411"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			d := fake(t, s, "clinc150")
			d.Files[0].URL = s.URL + tc.path
			root := t.TempDir()
			_, err := Fetch(context.Background(), d, Options{Dir: root})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.msg)
			assert.Contains(t, err.Error(), "dataset clinc150")
			assert.NoFileExists(t, filepath.Join(root, "clinc150", "download", "data_full.json"))
			assertNoTemp(t, root)
		})
	}
}

func TestFetchTimeout(t *testing.T) {
	s := newServer(t)
	d := fake(t, s, "clinc150")
	d.Files[0].URL = s.URL + "/slow/x"
	start := time.Now()
	_, err := Fetch(context.Background(), d, Options{Dir: t.TempDir(), Client: &http.Client{Timeout: 100 * time.Millisecond}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Timeout")
	assert.Less(t, time.Since(start), 4*time.Second)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Fetch(ctx, d, Options{Dir: t.TempDir()})
	require.ErrorIs(t, err, context.Canceled)
}

func TestFetchLargerThanPinned(t *testing.T) {
	s := newServer(t)
	d := fake(t, s, "clinc150")
	d.Files[0].Size = 10
	_, err := Fetch(context.Background(), d, Options{Dir: t.TempDir()})
	require.ErrorContains(t, err, "got 11 bytes, want 10")
}

func TestFetchUnregistered(t *testing.T) {
	_, err := Fetch(context.Background(), &Dataset{Name: "mine"}, Options{Dir: t.TempDir()})
	require.ErrorContains(t, err, "not a registered dataset")
}

func TestDir(t *testing.T) {
	t.Setenv(EnvDir, "/somewhere/datasets")
	d, err := Dir()
	require.NoError(t, err)
	assert.Equal(t, "/somewhere/datasets", d)

	t.Setenv(EnvDir, "")
	t.Setenv("XDG_CACHE_HOME", "/cache")
	t.Setenv("HOME", "/home/u")
	d, err = Dir()
	require.NoError(t, err)
	c, _ := os.UserCacheDir()
	assert.Equal(t, filepath.Join(c, "kefu", "datasets"), d)
}

func TestLookup(t *testing.T) {
	d, err := Lookup("banking77")
	require.NoError(t, err)
	assert.Equal(t, Intents, d.Task)
	assert.True(t, d.Has("train.tsv"))
	assert.False(t, d.Has("val.tsv"))
	_, err = Lookup("banking")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `no dataset "banking"`)
	assert.Contains(t, err.Error(), "banking77, clinc150")
}

var (
	hex64  = regexp.MustCompile(`^[0-9a-f]{64}$`)
	pinned = regexp.MustCompile(`^https://raw\.githubusercontent\.com/[^/]+/[^/]+/[0-9a-f]{40}/`)
)

func TestRegistry(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range List() {
		assert.False(t, seen[d.Name], "duplicate %s", d.Name)
		seen[d.Name] = true
		assert.NotEmpty(t, d.Title, d.Name)
		assert.Contains(t, []Task{Intents, Pairs, Segmentation}, d.Task, d.Name)
		assert.NotEmpty(t, d.License, d.Name)
		assert.NotEmpty(t, d.Citation, d.Name)
		assert.NotEmpty(t, d.Conversion, d.Name)
		assert.NotNil(t, d.convert, d.Name)
		require.NotEmpty(t, d.Files, d.Name)
		for _, f := range d.Files {
			assert.Regexp(t, pinned, f.URL, "%s: a URL pinned to a commit", d.Name)
			assert.Regexp(t, hex64, f.SHA256, d.Name)
			assert.Positive(t, f.Size, d.Name)
		}
		require.NotEmpty(t, d.Outputs, d.Name)
		for _, o := range d.Outputs {
			assert.Regexp(t, hex64, o.SHA256, "%s %s", d.Name, o.Name)
			assert.Contains(t, want[d.Name], o.Name, "%s: testdata covers %s", d.Name, o.Name)
		}
		switch d.Task {
		case Intents, Pairs:
			assert.True(t, d.Has("train.tsv") && d.Has("test.tsv"), d.Name)
		case Segmentation:
			assert.True(t, d.Has("pku_test.tsv") && d.Has("msr_test.tsv"), d.Name)
		}
	}
}

func TestWriteList(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteList(&b))
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	assert.Len(t, lines, 1+len(registry))
	assert.Contains(t, b.String(), "CC BY 4.0")
	for _, d := range registry {
		assert.NotEmpty(t, d.LicenseName, d.Name)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

// assertNoTemp fails when a temporary file was left under root.
func assertNoTemp(t *testing.T, root string) {
	t.Helper()
	filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".tmp") {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
}
