// Command loadgen measures whole bot turns through the HTTP JSON API, side
// by side with a bare net/http JSON echo handler in the same run.
//
//	go run ./examples/loadgen [-duration 10s] [-conns 32] [-tool auto|wrk|go] [-json]
//
// It starts two servers on loopback in this process: the demo bot (the one
// examples/quickstart serves, with memory stores) behind
// POST /v1/messages, and an echo handler that decodes the same request and
// answers one text part. Each is loaded for -duration with -conns
// keep-alive connections sending demo questions over many sessions. The
// load comes from wrk when it is installed (-tool auto; Debian package
// wrk), as a separate process, else from a Go client in this process. It
// prints turns per second, p50 and p99 latency for both and the ratio of
// the bot's throughput to the echo handler's. Then it sends -rate requests
// per second to each for -duration from a Go client (open loop: a request
// is sent when due whether or not earlier ones have come back) and reports
// p50 and p99 latency at that rate, counted from when each request was
// due. With -json the last line is a JSON object with those figures.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kefuai/kefu"
	"github.com/kefuai/kefu/analytics"
	abolt "github.com/kefuai/kefu/analytics/boltstore"
	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/channel/httpapi"
	"github.com/kefuai/kefu/examples/shop"
	"github.com/kefuai/kefu/kb"
	kbbolt "github.com/kefuai/kefu/kb/boltstore"
)

type result struct {
	Target        string  `json:"target"`
	Tool          string  `json:"tool"`
	Requests      int64   `json:"requests"`
	Errors        int64   `json:"errors"`
	TurnsPerSec   float64 `json:"turns_per_sec"`
	P50Millis     float64 `json:"p50_ms"`
	P99Millis     float64 `json:"p99_ms"`
	DurationSecs  float64 `json:"duration_seconds"`
	Connections   int     `json:"connections"`
	SessionsCount int     `json:"sessions"`
}

func main() {
	dur := flag.Duration("duration", 10*time.Second, "load duration per target")
	conns := flag.Int("conns", 32, "concurrent keep-alive connections")
	sessions := flag.Int("sessions", 20000, "distinct sessions (and customers) in the load; the demo limits each customer to 5 messages a second")
	tool := flag.String("tool", "auto", "load tool: auto (wrk if installed), wrk or go")
	asJSON := flag.Bool("json", false, "print one JSON object as the last line")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the bot phase to this file")
	rate := flag.Float64("rate", 5000, "requests per second of the fixed-rate phase (0 skips it)")
	events := flag.String("events", "durable", "analytics: durable (transcripts in bbolt behind a write-ahead log, and metrics), memory, or off")
	flag.Parse()

	ctx := context.Background()
	dir, err := os.MkdirTemp("", "kefu-loadgen-data")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	handler, closeBot, err := newBot(ctx, *events, dir)
	if err != nil {
		fail(err)
	}
	defer closeBot()
	questions := shop.LoadQuestions()

	botURL, stopBot := serve(httpapi.New(handler, httpapi.Options{}))
	defer stopBot()
	echoURL, stopEcho := serve(echoHandler())
	defer stopEcho()

	use := *tool
	if use == "auto" {
		use = "go"
		if _, err := exec.LookPath("wrk"); err == nil {
			use = "wrk"
		}
	}
	run := func(name, url string) result {
		var r result
		var err error
		switch use {
		case "wrk":
			r, err = runWrk(url, questions, *conns, *sessions, *dur)
		default:
			r, err = runGo(url, questions, *conns, *sessions, *dur)
		}
		if err != nil {
			fail(fmt.Errorf("%s: %w", name, err))
		}
		r.Target, r.Tool, r.Connections, r.SessionsCount = name, use, *conns, *sessions
		fmt.Printf("%-5s %8.0f turns/s  p50 %6.2f ms  p99 %6.2f ms  (%d requests, %d errors, %s, %d connections)\n",
			name, r.TurnsPerSec, r.P50Millis, r.P99Millis, r.Requests, r.Errors, use, *conns)
		return r
	}
	// Warm the bot up (first sessions, caches) before measuring.
	if _, err := runGo(botURL, questions, 4, 200, time.Second); err != nil {
		fail(err)
	}
	echo := run("echo", echoURL)
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err)
		}
	}
	bot := run("bot", botURL)
	if *cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	ratio := bot.TurnsPerSec / echo.TurnsPerSec
	fmt.Printf("ratio bot/echo: %.2f\n", ratio)
	out := map[string]any{"bot": bot, "echo": echo, "ratio": ratio}
	if *rate > 0 {
		// Latency at a fixed arrival rate, measured from when each request
		// was due (so that a stall counts for every request it delays).
		for _, t := range []struct {
			name, url string
		}{{"echo", echoURL}, {"bot", botURL}} {
			r, err := runRate(t.url, questions, *rate, *sessions, *dur)
			if err != nil {
				fail(err)
			}
			r.Target, r.Tool = t.name, "go-fixed-rate"
			fmt.Printf("%-5s at %.0f/s: %8.0f turns/s  p50 %6.2f ms  p99 %6.2f ms  (%d requests, %d errors)\n",
				t.name, *rate, r.TurnsPerSec, r.P50Millis, r.P99Millis, r.Requests, r.Errors)
			out[t.name+"_at_rate"] = r
		}
		out["rate"] = *rate
	}
	if *asJSON {
		b, _ := json.Marshal(out)
		fmt.Println(string(b))
	}
}

// serve starts h on a loopback port.
func serve(h http.Handler) (string, func()) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", h)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }
}

// echoHandler is the baseline: decode the API's request, answer its text.
func echoHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			SessionID string `json:"session_id"`
			UserID    string `json:"user_id"`
			Text      string `json:"text"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&req); err != nil {
			http.Error(w, `{"error":{"code":"bad_json"}}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"session_id": req.SessionID,
			"replies":    []map[string]string{{"type": "text", "text": req.Text}},
			"handoff":    false,
		})
	})
}

func body(questions []string, i, sessions int) string {
	b, _ := json.Marshal(map[string]string{
		"session_id": "load-" + strconv.Itoa(i%sessions),
		"user_id":    "user-" + strconv.Itoa(i%sessions),
		"text":       questions[i%len(questions)],
	})
	return string(b)
}

// runGo loads url with a Go client in this process.
func runGo(url string, questions []string, conns, sessions int, dur time.Duration) (result, error) {
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	defer tr.CloseIdleConnections()
	var next, errs atomic.Int64
	lats := make([][]time.Duration, conns)
	deadline := time.Now().Add(dur)
	start := time.Now()
	var wg sync.WaitGroup
	for c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				i := int(next.Add(1))
				t0 := time.Now()
				resp, err := client.Post(url+"/v1/messages", "application/json", strings.NewReader(body(questions, i, sessions)))
				if err != nil {
					errs.Add(1)
					continue
				}
				drain(resp)
				if resp.StatusCode != http.StatusOK {
					errs.Add(1)
				}
				lats[c] = append(lats[c], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	all := slices.Concat(lats...)
	slices.Sort(all)
	r := result{Requests: int64(len(all)), Errors: errs.Load(), DurationSecs: elapsed.Seconds()}
	if len(all) > 0 {
		r.TurnsPerSec = float64(len(all)) / elapsed.Seconds()
		r.P50Millis = float64(all[len(all)/2].Microseconds()) / 1e3
		r.P99Millis = float64(all[len(all)*99/100].Microseconds()) / 1e3
	}
	return r, nil
}

// runRate sends requests at a fixed rate for dur (open loop) and measures
// each one's latency from the moment it was due.
func runRate(url string, questions []string, rate float64, sessions int, dur time.Duration) (result, error) {
	tr := &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 512}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	defer tr.CloseIdleConnections()
	n := int(rate * dur.Seconds())
	interval := time.Duration(float64(time.Second) / rate)
	lats := make([]time.Duration, n)
	var errs atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		due := start.Add(time.Duration(i) * interval)
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := client.Post(url+"/v1/messages", "application/json", strings.NewReader(body(questions, i, sessions)))
			if err != nil {
				errs.Add(1)
				lats[i] = time.Since(due)
				return
			}
			drain(resp)
			if resp.StatusCode != http.StatusOK {
				errs.Add(1)
			}
			lats[i] = time.Since(due)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lats)
	return result{Requests: int64(n), Errors: errs.Load(), DurationSecs: elapsed.Seconds(),
		TurnsPerSec: float64(n) / elapsed.Seconds(),
		P50Millis:   float64(lats[n/2].Microseconds()) / 1e3,
		P99Millis:   float64(lats[n*99/100].Microseconds()) / 1e3}, nil
}

// drain reads and closes a response body so the connection is reused.
func drain(resp *http.Response) (int64, error) {
	defer resp.Body.Close()
	var buf [4096]byte
	var n int64
	for {
		m, err := resp.Body.Read(buf[:])
		n += int64(m)
		if err != nil {
			return n, nil
		}
	}
}

// runWrk loads url with wrk, each request a demo question in one of
// sessions sessions.
func runWrk(url string, questions []string, conns, sessions int, dur time.Duration) (result, error) {
	dir, err := os.MkdirTemp("", "kefu-loadgen")
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(dir)
	// Each question as its JSON string literal, in a Lua long string that
	// takes it verbatim.
	var qs []string
	for _, q := range questions {
		b, _ := json.Marshal(q)
		qs = append(qs, "[==["+string(b)+"]==]")
	}
	script := fmt.Sprintf(`
local qs = {%s}
local n = 0
local thread_id = 0
local counter = 0
setup = function(thread) thread:set("tid", counter); counter = counter + 1 end
init = function(args) n = tid * 1000003 end
request = function()
  n = n + 1
  local s = n %% %d
  local body = '{"session_id":"load-' .. s .. '","user_id":"user-' .. s .. '","text":' .. qs[(n %% #qs) + 1] .. '}'
  return wrk.format("POST", "/v1/messages", {["Content-Type"] = "application/json"}, body)
end
local non200 = 0
response = function(status, headers, body) if status ~= 200 then non200 = non200 + 1 end end
done = function(summary, latency, requests)
  io.write(string.format("KEFU p50_us=%%d p99_us=%%d requests=%%d errors=%%d\n",
    latency:percentile(50), latency:percentile(99), summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
end
`, strings.Join(qs, ","), sessions)
	path := filepath.Join(dir, "load.lua")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		return result{}, err
	}
	threads := 2
	out, err := exec.Command("wrk", "-t", strconv.Itoa(threads), "-c", strconv.Itoa(conns),
		"-d", fmt.Sprintf("%ds", int(dur.Seconds())), "-s", path, url).CombinedOutput()
	if err != nil {
		return result{}, fmt.Errorf("wrk: %v: %s", err, out)
	}
	m := regexp.MustCompile(`KEFU p50_us=(\d+) p99_us=(\d+) requests=(\d+) errors=(\d+)`).FindStringSubmatch(string(out))
	rps := regexp.MustCompile(`Requests/sec:\s+([\d.]+)`).FindStringSubmatch(string(out))
	if m == nil || rps == nil {
		return result{}, fmt.Errorf("unexpected wrk output: %s", out)
	}
	p50, _ := strconv.ParseFloat(m[1], 64)
	p99, _ := strconv.ParseFloat(m[2], 64)
	reqs, _ := strconv.ParseInt(m[3], 10, 64)
	errs, _ := strconv.ParseInt(m[4], 10, 64)
	tps, _ := strconv.ParseFloat(rps[1], 64)
	return result{Requests: reqs, Errors: errs, TurnsPerSec: tps, P50Millis: p50 / 1e3, P99Millis: p99 / 1e3, DurationSecs: dur.Seconds()}, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "loadgen:", err)
	os.Exit(1)
}

// newBot builds the demo bot as the quickstart does, with its sessions in
// memory: the knowledge base (with its learner) in memory, or in bbolt
// under dir with events "durable"; the analytics pipeline as events says.
func newBot(ctx context.Context, events, dir string) (channel.Handler, func(), error) {
	var closers []func() error
	closeAll := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	f, err := shop.Load(ctx)
	if err != nil {
		return nil, nil, err
	}
	var st kb.Store = kb.NewMemoryStore()
	if events == "durable" {
		bs, err := kbbolt.Open(filepath.Join(dir, "kb.db"), kbbolt.Options{})
		if err != nil {
			return nil, nil, err
		}
		closers = append(closers, bs.Close)
		st = bs
	}
	if _, err := f.Seed(ctx, st); err != nil {
		closeAll()
		return nil, nil, err
	}
	base, err := kb.Open(ctx, st, kb.Options{Index: f.IndexOptions()})
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	closers = append(closers, base.Close)
	if err := base.WaitLearned(ctx); err != nil {
		closeAll()
		return nil, nil, err
	}
	opts := []kefu.Option{kefu.WithTickets(func(context.Context, kefu.Ticket) error { return nil })}
	if events != "off" {
		d := analytics.NewDispatcher(analytics.DispatcherOptions{})
		m := analytics.NewMetrics(analytics.MetricsOptions{Dispatcher: d})
		if err := d.Add("metrics", m, analytics.HookOptions{Text: analytics.TextNone}); err != nil {
			closeAll()
			return nil, nil, err
		}
		if events == "durable" {
			ts, err := abolt.Open(filepath.Join(dir, "events.db"), abolt.Options{})
			if err != nil {
				closeAll()
				return nil, nil, err
			}
			closers = append(closers, ts.Close)
			err = d.AddDurable("transcripts", analytics.StoreHook(ts), analytics.DurableOptions{Dir: filepath.Join(dir, "wal")})
			if err != nil {
				closeAll()
				return nil, nil, err
			}
		} else if err := d.Add("transcripts", analytics.StoreHook(analytics.NewMemoryStore(analytics.StoreOptions{})), analytics.HookOptions{}); err != nil {
			closeAll()
			return nil, nil, err
		}
		closers = append(closers, func() error {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			return d.Close(ctx)
		})
		opts = append(opts, kefu.WithEvents(d))
	}
	b, err := f.NewBot(ctx, kefu.FolderStores{Knowledge: base}, opts...)
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	closers = append(closers, b.Close)
	h := channel.Chain(b,
		channel.RateLimit(channel.RateLimitOptions{Rate: 5, Burst: 20}),
		channel.Timeout(5*time.Second))
	return h, closeAll, nil
}
