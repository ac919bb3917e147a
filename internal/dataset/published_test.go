package dataset

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestPublished converts the published files held in a cache folder and
// compares the result with the pinned checksums and, byte for byte, with
// reference copies of the converted files. KEFU_TEST_DATASETS names the
// cache folder (NAME/download/FILE, as Fetch leaves it) and
// KEFU_TEST_REFERENCE a folder of reference files (NAME/OUTPUT).
func TestPublished(t *testing.T) {
	cache := os.Getenv("KEFU_TEST_DATASETS")
	ref := os.Getenv("KEFU_TEST_REFERENCE")
	if cache == "" {
		t.Skip("KEFU_TEST_DATASETS is not set: no published files to convert")
	}
	for _, d := range List() {
		t.Run(d.Name, func(t *testing.T) {
			in := map[string][]byte{}
			for _, f := range d.Files {
				b, err := os.ReadFile(filepath.Join(cache, d.Name, "download", f.Name))
				if err != nil {
					t.Skipf("%s: %v", f.Name, err)
				}
				if got := sum(b); got != f.SHA256 || int64(len(b)) != f.Size {
					t.Fatalf("%s: SHA-256 %s, %d bytes; pinned %s, %d bytes", f.Name, got, len(b), f.SHA256, f.Size)
				}
				in[f.Name] = b
			}
			out, err := d.convert(in)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range d.Outputs {
				b := out[o.Name]
				if got := sum(b); got != o.SHA256 {
					t.Errorf("%s: SHA-256 %s, pinned %s", o.Name, got, o.SHA256)
				}
				if ref == "" {
					continue
				}
				want, err := os.ReadFile(filepath.Join(ref, d.Name, o.Name))
				if err != nil {
					t.Errorf("reference: %v", err)
					continue
				}
				if !bytes.Equal(b, want) {
					t.Errorf("%s differs from the reference (%d bytes, reference %d)", o.Name, len(b), len(want))
					continue
				}
				t.Logf("%s: identical to the reference, %d bytes, SHA-256 %s", o.Name, len(b), sum(b))
			}
		})
	}
}
