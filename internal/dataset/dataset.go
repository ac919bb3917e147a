// Package dataset fetches the public evaluation datasets the benchmarks
// (examples/intentbench, examples/kbbench, examples/segbench) are measured
// on, from their published sources, into a local cache.
//
// Every file is downloaded over HTTPS from a URL pinned to one version (a
// commit where the source is a git host), checked against its pinned
// SHA-256 before use, and converted to the files the benchmarks read:
// "label<TAB>text" lines for intents, "label<TAB>s1<TAB>s2" for question
// pairs, "gold words<TAB>raw text" for word segmentation. The converted
// files are checked against pinned SHA-256 sums too, so a fetched dataset
// is byte for byte the one the published figures were measured on.
//
// The cache lives in [Dir]: KEFU_DATASETS if set, else
// os.UserCacheDir()/kefu/datasets. Each dataset has a folder of its name
// holding the converted files, with the downloads in its "download"
// subfolder. A later [Fetch] reuses whatever is there whose checksum matches.
package dataset

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Task is the kind of benchmark a dataset serves.
type Task string

// The tasks of the registered datasets.
const (
	// Intents: files of "label<TAB>text" lines (intentbench, and kbbench's
	// intents-as-FAQ mode).
	Intents Task = "intents"
	// Pairs: files of "label<TAB>s1<TAB>s2" lines, label 1 when the two
	// questions mean the same (kbbench's pair mode).
	Pairs Task = "pairs"
	// Segmentation: files of "gold words<TAB>raw text" lines, the gold
	// words separated by single spaces (segbench).
	Segmentation Task = "segmentation"
)

// File is one file as its publisher distributes it.
type File struct {
	// Name is the file's name in the dataset's download folder.
	Name string
	// URL is where it is downloaded from, pinned to one version.
	URL string
	// SHA256 is the hex SHA-256 of its bytes.
	SHA256 string
	// Size is its length in bytes; a longer download is refused.
	Size int64
}

// Output is one converted file a benchmark reads.
type Output struct {
	// Name is the file's name in the dataset's folder, e.g. "train.tsv".
	Name string
	// SHA256 is the hex SHA-256 the conversion must produce; empty for
	// no check.
	SHA256 string
}

// Dataset is one registered dataset: where it comes from, its terms, and
// how its published files become the benchmarks' files.
type Dataset struct {
	// Name identifies the dataset on the command line and names its
	// cache folder.
	Name string
	// Title is its usual name.
	Title string
	// Task is the benchmark it serves.
	Task Task
	// Language is "en" or "zh".
	Language string
	// Homepage is the publisher's page for the dataset.
	Homepage string
	// Source says where the files are downloaded from, when that is not
	// the publisher's own release.
	Source string
	// License is the licence or terms of use as the publisher states them.
	License string
	// LicenseName is the licence in a few words, for listings.
	LicenseName string
	// Citation is the reference the publisher asks users to cite.
	Citation string
	// Conversion says what the conversion does.
	Conversion string
	// Files are the published files the dataset is built from.
	Files []File
	// Outputs are the converted files.
	Outputs []Output
	// OOSLabel, when set, is the label of the out-of-scope examples in the
	// with_oos_*.tsv outputs.
	OOSLabel string

	convert func(in map[string][]byte) (map[string][]byte, error)
}

// Has reports whether the dataset has the converted file name.
func (d *Dataset) Has(name string) bool {
	return slices.ContainsFunc(d.Outputs, func(o Output) bool { return o.Name == name })
}

// List returns the registered datasets, sorted by name.
func List() []*Dataset {
	out := slices.Clone(registry)
	slices.SortFunc(out, func(a, b *Dataset) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// Lookup returns the registered dataset called name.
func Lookup(name string) (*Dataset, error) {
	for _, d := range registry {
		if d.Name == name {
			return d, nil
		}
	}
	names := make([]string, 0, len(registry))
	for _, d := range List() {
		names = append(names, d.Name)
	}
	return nil, fmt.Errorf("no dataset %q (available: %s)", name, strings.Join(names, ", "))
}

// WriteList writes a table of the registered datasets to w: name, task,
// language, licence and title.
func WriteList(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tTASK\tLANG\tLICENCE\tTITLE")
	for _, d := range List() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", d.Name, d.Task, d.Language, d.LicenseName, d.Title)
	}
	return tw.Flush()
}

// EnvDir is the environment variable that overrides the default cache
// folder.
const EnvDir = "KEFU_DATASETS"

// Dir returns the default cache folder: $KEFU_DATASETS if set, else
// kefu/datasets in os.UserCacheDir.
func Dir() (string, error) {
	if d := os.Getenv(EnvDir); d != "" {
		return d, nil
	}
	c, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache folder for datasets (set %s): %w", EnvDir, err)
	}
	return filepath.Join(c, "kefu", "datasets"), nil
}

// Options configure [Fetch].
type Options struct {
	// Dir is the cache folder; empty for [Dir].
	Dir string
	// Client downloads the files; nil for a client with a ten-minute
	// timeout per file.
	Client *http.Client
	// Log receives progress and, when a dataset is downloaded or
	// converted, its licence and citation; nil for none.
	Log io.Writer
}

// DefaultTimeout bounds each download when [Options.Client] is nil.
const DefaultTimeout = 10 * time.Minute

// Fetch makes sure the dataset is in the cache, downloading and converting
// what is missing or does not match its checksum, and returns the folder
// holding its converted files.
//
// Converted files whose checksums match are used as they are. Otherwise
// each download already in the cache is used if its checksum matches and
// downloaded again if not. A download is written to a temporary file and
// renamed into place only once its size and checksum are right; a
// mismatch is an error and leaves nothing behind. The converted files are
// written the same way.
func Fetch(ctx context.Context, d *Dataset, opts Options) (string, error) {
	root := opts.Dir
	if root == "" {
		var err error
		if root, err = Dir(); err != nil {
			return "", err
		}
	}
	dir := filepath.Join(root, d.Name)
	logw := opts.Log
	if logw == nil {
		logw = io.Discard
	}
	if d.convert == nil {
		return "", fmt.Errorf("dataset %s: not a registered dataset (see List)", d.Name)
	}
	if outputsOK(d, dir) {
		fmt.Fprintf(logw, "dataset %s: cached in %s (licence: %s; cite: %s)\n", d.Name, dir, d.LicenseName, d.Citation)
		return dir, nil
	}
	client := opts.Client
	if client == nil {
		client = &http.Client{Timeout: DefaultTimeout}
	}
	dl := filepath.Join(dir, "download")
	if err := os.MkdirAll(dl, 0o755); err != nil {
		return "", fmt.Errorf("dataset %s: %w", d.Name, err)
	}
	in := make(map[string][]byte, len(d.Files))
	for _, f := range d.Files {
		path := filepath.Join(dl, f.Name)
		b, err := os.ReadFile(path)
		if err == nil && sum(b) == f.SHA256 {
			in[f.Name] = b
			continue
		}
		if err == nil {
			fmt.Fprintf(logw, "dataset %s: %s in the cache does not match its checksum; downloading it again\n", d.Name, f.Name)
			if err := os.Remove(path); err != nil {
				return "", fmt.Errorf("dataset %s: %w", d.Name, err)
			}
		}
		fmt.Fprintf(logw, "dataset %s: downloading %s (%d bytes)\n", d.Name, f.URL, f.Size)
		if b, err = download(ctx, client, f, path); err != nil {
			return "", fmt.Errorf("dataset %s: %w", d.Name, err)
		}
		in[f.Name] = b
	}
	out, err := d.convert(in)
	if err != nil {
		return "", fmt.Errorf("dataset %s: converting: %w", d.Name, err)
	}
	for _, o := range d.Outputs {
		b, ok := out[o.Name]
		if !ok {
			return "", fmt.Errorf("dataset %s: the conversion made no %s", d.Name, o.Name)
		}
		if o.SHA256 != "" && sum(b) != o.SHA256 {
			return "", fmt.Errorf("dataset %s: converted %s has SHA-256 %s, want %s", d.Name, o.Name, sum(b), o.SHA256)
		}
	}
	for _, o := range d.Outputs {
		if err := writeAtomic(filepath.Join(dir, o.Name), out[o.Name]); err != nil {
			return "", fmt.Errorf("dataset %s: %w", d.Name, err)
		}
	}
	WriteTerms(logw, d)
	fmt.Fprintf(logw, "dataset %s: ready in %s\n", d.Name, dir)
	return dir, nil
}

// WriteTerms writes the dataset's title, homepage, source, licence and
// citation to w.
func WriteTerms(w io.Writer, d *Dataset) {
	fmt.Fprintf(w, "dataset %s: %s\n", d.Name, d.Title)
	fmt.Fprintf(w, "  homepage: %s\n", d.Homepage)
	if d.Source != "" {
		fmt.Fprintf(w, "  source:   %s\n", d.Source)
	}
	fmt.Fprintf(w, "  licence:  %s\n", d.License)
	fmt.Fprintf(w, "  cite:     %s\n", d.Citation)
}

// outputsOK reports whether every converted file is in dir with its
// pinned checksum. Outputs with no pinned checksum are never trusted.
func outputsOK(d *Dataset, dir string) bool {
	for _, o := range d.Outputs {
		if o.SHA256 == "" {
			return false
		}
		b, err := os.ReadFile(filepath.Join(dir, o.Name))
		if err != nil || sum(b) != o.SHA256 {
			return false
		}
	}
	return len(d.Outputs) > 0
}

// download fetches f into path through a temporary file, checking its
// status, size and checksum, and returns its bytes.
func download(ctx context.Context, client *http.Client, f File, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.URL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("downloading %s: %w", f.Name, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("downloading %s: %s answered %s", f.Name, f.URL, resp.Status)
	}
	r := io.Reader(resp.Body)
	if f.Size > 0 {
		r = io.LimitReader(resp.Body, f.Size+1)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("downloading %s from %s: %w", f.Name, f.URL, err)
	}
	if f.Size > 0 && int64(len(b)) != f.Size {
		return nil, fmt.Errorf("downloading %s from %s: got %d bytes, want %d", f.Name, f.URL, len(b), f.Size)
	}
	if got := sum(b); got != f.SHA256 {
		return nil, fmt.Errorf("downloading %s from %s: SHA-256 is %s, want %s; the file was not kept", f.Name, f.URL, got, f.SHA256)
	}
	if err := writeAtomic(path, b); err != nil {
		return nil, err
	}
	return b, nil
}

// writeAtomic writes b to a temporary file in path's folder and renames it
// to path, so that path holds either its old bytes or all of b.
func writeAtomic(path string, b []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(b); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
