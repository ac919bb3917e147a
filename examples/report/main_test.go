package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/internal/testbrowser"
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

// TestBrowserRender opens the demo report in headless Chromium and checks
// that the page renders as a person would see it: headline figures and SVG
// charts with drawn content. A screenshot goes to the test's artifact
// directory (go test -artifacts keeps it).
func TestBrowserRender(t *testing.T) {
	ctx := testbrowser.New(t, 60*time.Second)
	dir := t.ArtifactDir()
	html := filepath.Join(dir, "report.html")
	var out, errOut bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-demo", "-period", "2026-11", "-o", html}, &out, &errOut), errOut.String())

	eval := func(expr string) int {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[int](expr))
		require.NoError(t, err, expr)
		return v
	}
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("file://"+html)))
	assert.Positive(t, eval(`document.querySelectorAll('svg').length`), "charts are drawn")
	assert.Positive(t, eval(`document.querySelectorAll('svg rect, svg path, svg polyline, svg circle').length`), "charts have marks")
	assert.Positive(t, eval(`Math.round(document.querySelector('svg').getBoundingClientRect().width)`), "charts take room on the page")
	assert.Positive(t, eval(`document.body.innerText.length`))
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "report.png"), png, 0o644))
	t.Logf("report and screenshot in %s", dir)
}
