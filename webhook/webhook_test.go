package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"assay/internal/testenv"
	"assay/runner"
	"assay/runner/redis"
	"assay/webhook"
)

const secret = "test-webhook-secret"

func broker(t *testing.T) *redis.Broker {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, err := redis.New(ctx, redis.Config{URL: testenv.Redis(t), Block: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// finish creates a submission and records its result, as a worker does.
func finish(t *testing.T, b *redis.Broker, who string) string {
	t.Helper()
	return finishWith(t, b, who, runner.Result{Verdict: runner.VerdictPassed, Passed: 3, Total: 3, RunMS: 420})
}

// finishWith is finish with the result r (its id, version and finishing
// time filled in).
func finishWith(t *testing.T, b *redis.Broker, who string, r runner.Result) string {
	t.Helper()
	ctx := context.Background()
	id := uuid.NewString()
	sub := runner.Submission{ID: id, Challenge: "decorators", ChallengeVersion: "v1", Files: map[string]string{"solution.py": "x"}, Submitter: who, CreatedAt: time.Now()}
	if err := b.Create(ctx, sub); err != nil {
		t.Fatal(err)
	}
	r.SubmissionID, r.ChallengeVersion, r.FinishedAt = id, "v1", time.Now()
	if _, err := b.SaveResult(ctx, r); err != nil {
		t.Fatal(err)
	}
	return id
}

func run(t *testing.T, cfg webhook.Config) context.CancelFunc {
	t.Helper()
	if cfg.Secret == "" {
		cfg.Secret = secret
	}
	if cfg.Consumer == "" {
		cfg.Consumer = "n-" + uuid.NewString()[:8]
	}
	cfg.Logger = slog.New(slog.NewTextHandler(t.Output(), nil))
	if cfg.Client == nil && !cfg.AllowPrivate {
		cfg.AllowPrivate = true // the receivers here are on 127.0.0.1
	}
	n, err := webhook.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { n.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return cancel
}

func to(urls ...string) func(context.Context, runner.State) ([]string, error) {
	return func(context.Context, runner.State) ([]string, error) { return urls, nil }
}

func waitDeliveries(t *testing.T, b *redis.Broker, id string, done func([]runner.Delivery) bool) []runner.Delivery {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ds, err := b.Deliveries(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if done(ds) {
			return ds
		}
		if time.Now().After(deadline) {
			t.Fatalf("deliveries of %s: %+v", id, ds)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func delivered(ds []runner.Delivery) int {
	n := 0
	for _, d := range ds {
		if d.Delivered {
			n++
		}
	}
	return n
}

func TestDeliveryIsSignedAndRecorded(t *testing.T) {
	b := broker(t)
	var mu sync.Mutex
	var got []webhook.Payload
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := webhook.Verify(secret, r.Header.Get(webhook.SignatureHeader), body, time.Now(), 0); err != nil {
			t.Errorf("signature: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var p webhook.Payload
		if err := json.Unmarshal(body, &p); err != nil {
			t.Error(err)
		}
		if r.Header.Get(webhook.EventHeader) != p.SubmissionID {
			t.Errorf("event header %q, payload id %q", r.Header.Get(webhook.EventHeader), p.SubmissionID)
		}
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
	}))
	defer recv.Close()
	run(t, webhook.Config{Store: b, Targets: to(recv.URL), BaseURL: "https://assay.example"})
	id := finish(t, b, "ada@example.com")
	ds := waitDeliveries(t, b, id, func(ds []runner.Delivery) bool { return delivered(ds) == 1 })
	if len(ds) != 1 || ds[0].Status != 200 || ds[0].Attempt != 1 {
		t.Errorf("deliveries %+v", ds)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0].Verdict != runner.VerdictPassed || got[0].Candidate != "ada@example.com" || got[0].Passed != 3 ||
		got[0].ReviewURL != "https://assay.example/review/submissions/"+id || got[0].ChallengeVersion != "v1" {
		t.Errorf("payloads %+v", got)
	}
}

// A tampered run is announced as such, with its evidence: webhooks go to
// staff's systems, never to the candidate, whose view reads "error".
func TestTamperedEventCarriesTheEvidence(t *testing.T) {
	b := broker(t)
	bodies := make(chan []byte, 4)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		select {
		case bodies <- body:
		default: // a repeat the test does not read
		}
	}))
	defer recv.Close()
	run(t, webhook.Config{Store: b, Targets: to(recv.URL)})
	evidence := []runner.Finding{
		{Check: runner.CheckWatcher, Phase: "hidden", Seen: "tests/hidden/test_secret.py modified"},
		{Check: runner.CheckGuard, Seen: "TestReport.from_item_and_call replaced"},
	}
	id := finishWith(t, b, "ada@example.com", runner.Result{Verdict: runner.VerdictTampered, Reason: "tampering detected", Passed: 3, Total: 3, RunMS: 900, VisibleRunMS: 300, Tampering: evidence, CanaryNearMisses: 2})
	var body []byte
	select {
	case body = <-bodies:
	case <-time.After(20 * time.Second):
		t.Fatal("no delivery")
	}
	var p webhook.Payload
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if p.SubmissionID != id || p.Verdict != runner.VerdictTampered || len(p.Tampering) != 2 || p.Tampering[0] != evidence[0] || p.Tampering[1] != evidence[1] || p.CanaryNearMisses != 2 {
		t.Errorf("payload %s", body)
	}
	if !strings.Contains(string(body), `"tampering":[{"check":"watcher","phase":"hidden","seen":"tests/hidden/test_secret.py modified"}`) {
		t.Errorf("the evidence is not in the body as documented: %s", body)
	}
	// An ordinary result's event has no tampering field.
	finish(t, b, "bob@example.com")
	select {
	case body = <-bodies:
	case <-time.After(20 * time.Second):
		t.Fatal("no second delivery")
	}
	if strings.Contains(string(body), "tampering") || !strings.Contains(string(body), `"verdict":"passed"`) {
		t.Errorf("a passed result's event: %s", body)
	}
}

func TestRetriesUntilAcceptedAndRecordsOneSuccess(t *testing.T) {
	b := broker(t)
	var calls atomic.Int32
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 3 {
			http.Error(w, "not now", http.StatusServiceUnavailable)
		}
	}))
	defer recv.Close()
	run(t, webhook.Config{Store: b, Targets: to(recv.URL), FirstBackoff: 20 * time.Millisecond})
	id := finish(t, b, "")
	ds := waitDeliveries(t, b, id, func(ds []runner.Delivery) bool { return delivered(ds) > 0 })
	if len(ds) != 4 || delivered(ds) != 1 || calls.Load() != 4 {
		t.Fatalf("%d calls, deliveries %+v; want 3 failures then 1 success", calls.Load(), ds)
	}
	for i, d := range ds[:3] {
		if d.Status != 503 || d.Attempt != i+1 || d.Error == "" {
			t.Errorf("attempt %d: %+v", i+1, d)
		}
	}
}

// A receiver that hangs holds up neither other deliveries nor anything else.
func TestHangingReceiverHoldsNothingUp(t *testing.T) {
	b := broker(t)
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hang.Close()
	defer close(release)
	ok := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer ok.Close()
	// (by submitter, known before the result exists: the notifier may ask
	// for the targets before finish returns the id)
	run(t, webhook.Config{Store: b, Timeout: 300 * time.Millisecond, FirstBackoff: 50 * time.Millisecond,
		Targets: func(_ context.Context, st runner.State) ([]string, error) {
			if st.Submission.Submitter == "slow" {
				return []string{hang.URL}, nil
			}
			return []string{ok.URL}, nil
		}})
	stuck := finish(t, b, "slow")
	start := time.Now()
	fine := finish(t, b, "fine")
	if took := time.Since(start); took > time.Second {
		t.Errorf("recording a result took %v while a receiver hangs", took)
	}
	waitDeliveries(t, b, fine, func(ds []runner.Delivery) bool { return delivered(ds) == 1 })
	ds := waitDeliveries(t, b, stuck, func(ds []runner.Delivery) bool { return len(ds) >= 2 })
	for _, d := range ds {
		if d.Delivered || d.Error == "" {
			t.Errorf("a hanging receiver's attempt: %+v", d)
		}
	}
}

func TestGivesUpAfterMaxAge(t *testing.T) {
	b := broker(t)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }))
	defer recv.Close()
	run(t, webhook.Config{Store: b, Targets: to(recv.URL), FirstBackoff: 30 * time.Millisecond, MaxAge: 300 * time.Millisecond})
	id := finish(t, b, "")
	ds := waitDeliveries(t, b, id, func(ds []runner.Delivery) bool { return len(ds) > 0 && ds[len(ds)-1].GaveUp })
	if delivered(ds) != 0 || len(ds) < 2 {
		t.Errorf("deliveries %+v", ds)
	}
}

// A notifier that stops mid-retry leaves the event to another, which
// delivers it; one success is recorded.
func TestAnotherNotifierResumes(t *testing.T) {
	b := broker(t)
	var up atomic.Bool
	var calls atomic.Int32
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if !up.Load() {
			w.WriteHeader(502)
		}
	}))
	defer recv.Close()
	stop := run(t, webhook.Config{Store: b, Targets: to(recv.URL), FirstBackoff: time.Hour, MaxAge: 24 * time.Hour})
	id := finish(t, b, "")
	waitDeliveries(t, b, id, func(ds []runner.Delivery) bool { return len(ds) == 1 })
	stop() // the first notifier goes away while it waits to retry
	up.Store(true)
	run(t, webhook.Config{Store: b, Targets: to(recv.URL), ReclaimIdle: 100 * time.Millisecond})
	ds := waitDeliveries(t, b, id, func(ds []runner.Delivery) bool { return delivered(ds) > 0 })
	if delivered(ds) != 1 || calls.Load() != 2 {
		t.Errorf("%d calls, deliveries %+v", calls.Load(), ds)
	}
}

func TestVerifyRefusesForgeries(t *testing.T) {
	body := []byte(`{"verdict":"passed"}`)
	now := time.Now()
	good := webhook.Sign(secret, now, body)
	if err := webhook.Verify(secret, good, body, now, 0); err != nil {
		t.Fatalf("good signature: %v", err)
	}
	for name, c := range map[string]struct {
		secret, header string
		body           []byte
		now            time.Time
	}{
		"wrong secret": {"other", good, body, now},
		"changed body": {secret, good, []byte(`{"verdict":"failed"}`), now},
		"old":          {secret, good, body, now.Add(time.Hour)},
		"garbage":      {secret, "v1=abc", body, now},
		"empty":        {secret, "", body, now},
	} {
		if err := webhook.Verify(c.secret, c.header, c.body, c.now, 0); !errors.Is(err, webhook.ErrBadSignature) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

// By default a webhook cannot reach the workers' own or private networks
// (its URL comes from an interviewer): the attempt fails, nothing is sent.
func TestPrivateAddressesAreRefused(t *testing.T) {
	b := broker(t)
	var calls atomic.Int32
	recv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { calls.Add(1) }))
	defer recv.Close()
	n, err := webhook.New(webhook.Config{Store: b, Targets: to(recv.URL), Secret: secret, Consumer: "private",
		MaxAge: 100 * time.Millisecond, FirstBackoff: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { n.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	id := finish(t, b, "")
	ds := waitDeliveries(t, b, id, func(ds []runner.Delivery) bool { return len(ds) > 0 && ds[len(ds)-1].GaveUp })
	if calls.Load() != 0 || delivered(ds) != 0 || !strings.Contains(ds[0].Error, "private address") {
		t.Errorf("%d calls, deliveries %+v", calls.Load(), ds)
	}
}

// TestEventCarriesTheScore: the event of a scored result carries its score
// (percent, points, tags and groups) as the result recorded it; a result
// without one (internal_error) has no score field.
func TestEventCarriesTheScore(t *testing.T) {
	b := broker(t)
	bodies := make(chan []byte, 4)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		select {
		case bodies <- body:
		default: // a repeat the test does not read
		}
	}))
	defer recv.Close()
	run(t, webhook.Config{Store: b, Targets: to(recv.URL)})
	r := runner.Result{Verdict: runner.VerdictFailed, Passed: 2, Total: 3, Tests: []runner.TestResult{
		{ID: "tests.visible.test_a::test_x", Outcome: runner.OutcomePassed},
		{ID: "tests.hidden.test_b::test_y[1]", Hidden: true, Outcome: runner.OutcomePassed},
		{ID: "tests.hidden.test_b::test_y[2]", Hidden: true, Outcome: runner.OutcomeFailed},
	}}
	r.Score = runner.ScoreOf(&r, map[string]runner.TestWeight{
		"tests.visible.test_a::test_x":   {Weight: 2, Tags: []string{"api"}},
		"tests.hidden.test_b::test_y[1]": {Weight: 4, Group: "y"},
		"tests.hidden.test_b::test_y[2]": {Weight: 4, Group: "y"},
	})
	id := finishWith(t, b, "ada@example.com", r)
	next := func() []byte {
		t.Helper()
		select {
		case body := <-bodies:
			return body
		case <-time.After(20 * time.Second):
			t.Fatal("no delivery")
			return nil
		}
	}
	body := next()
	var p webhook.Payload
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if p.SubmissionID != id || p.Score == nil || p.Score.Percent != 20 || p.Score.Earned != 2 || p.Score.Possible != 10 {
		t.Fatalf("payload %s", body)
	}
	want := `"score":{"percent":20,"earned":2,"possible":10,"tags":[{"name":"api","percent":100,"earned":2,"possible":2}],"groups":[{"name":"y","percent":0,"earned":0,"possible":8}]}`
	if !strings.Contains(string(body), want) {
		t.Errorf("the score is not in the body as documented:\n got %s\nwant %s", body, want)
	}
	finishWith(t, b, "bob@example.com", runner.Result{Verdict: runner.VerdictInternalError, Reason: "gave up"})
	if body := next(); strings.Contains(string(body), `"score"`) || !strings.Contains(string(body), `"verdict":"internal_error"`) {
		t.Errorf("an internal error's event: %s", body)
	}
}
