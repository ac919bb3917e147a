package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/analytics"
)

func TestDemoJSON(t *testing.T) {
	var out, errOut bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-demo", "-demo-sessions", "6", "-period", "2026-11", "-format", "json"}, &out, &errOut), errOut.String())
	var r analytics.Report
	require.NoError(t, json.Unmarshal(out.Bytes(), &r))
	assert.Equal(t, "2026-11", r.Period)
	assert.Len(t, r.Daily, 30)
	assert.Positive(t, r.Volume.Sessions)
	assert.Equal(t, r.Volume.Sessions, r.Resolution.Ended, "every demo session ends the day it starts")
	assert.Positive(t, r.Resolution.Resolved)
	assert.Less(t, r.Resolution.Resolved, r.Resolution.Ended)
	assert.Positive(t, r.Satisfaction.Ratings)
	assert.NotEmpty(t, r.Intents)
	assert.NotEmpty(t, r.Unanswered)
	assert.Contains(t, errOut.String(), "synthetic sessions")
	assert.NotContains(t, out.String(), "13912345678", "planted phone numbers are redacted")
}

func TestDemoHTMLToFileAndStore(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "t.db")
	html := filepath.Join(dir, "r.html")
	var out, errOut bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-demo", "-demo-sessions", "4", "-store", store, "-period", "2026-Q4", "-o", html}, &out, &errOut), errOut.String())
	page, err := os.ReadFile(html)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(page), "<!DOCTYPE html>"))
	assert.Contains(t, string(page), "2026-Q4")
	assert.Equal(t, 4, strings.Count(string(page), "<svg"))

	// The store the demo filled can be reported on again, in CSV.
	out.Reset()
	require.NoError(t, run(context.Background(), []string{"-store", store, "-period", "2026-10", "-format", "csv"}, &out, &errOut))
	assert.Contains(t, out.String(), "volume,sessions,")
}

func TestFlagErrors(t *testing.T) {
	var out, errOut bytes.Buffer
	assert.ErrorContains(t, run(context.Background(), []string{"-period", "2026-11"}, &out, &errOut), "-store or -demo")
	assert.ErrorIs(t, run(context.Background(), []string{"-demo", "-period", "2026-13"}, &out, &errOut), analytics.ErrInvalidPeriod)
	assert.ErrorContains(t, run(context.Background(), []string{"-demo", "-format", "pdf"}, &out, &errOut), "format")
	assert.Error(t, run(context.Background(), []string{"-store", filepath.Join(t.TempDir(), "missing", "x.db")}, &out, &errOut))
}

// TestScreenshot renders the demo report and photographs it with headless
// Chromium into the directory named by KEFU_REPORT_SCREENSHOT, to look at
// the page as a person would. It is skipped unless that is set.
func TestScreenshot(t *testing.T) {
	dir := os.Getenv("KEFU_REPORT_SCREENSHOT")
	if dir == "" {
		t.Skip("KEFU_REPORT_SCREENSHOT is not set: set it to a directory to get a screenshot of the demo report")
	}
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not found")
	}
	html := filepath.Join(dir, "report.html")
	var out, errOut bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-demo", "-period", "2026-11", "-o", html}, &out, &errOut), errOut.String())
	png := filepath.Join(dir, "report.png")
	cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--window-size=1100,2300", "--screenshot="+png, "file://"+html)
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", b)
	fi, err := os.Stat(png)
	require.NoError(t, err)
	assert.Positive(t, fi.Size())
	t.Logf("screenshot: %s", png)
}
