package app_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"assay/access"
	"assay/app"
	"assay/review"
	"assay/runner"
)

type submitFixture struct {
	u       *app.Submissions
	store   *store
	limiter *limiter
	drafts  *drafts
	marker  *marker
}

func newSubmissions() submitFixture {
	f := submitFixture{store: &store{}, limiter: &limiter{}, drafts: &drafts{}, marker: &marker{}}
	f.u = &app.Submissions{
		Catalog: addCatalog(), Store: f.store, Limiter: f.limiter, Drafts: f.drafts, Recordings: f.marker,
		RateLimit: app.RateLimit{N: 2, Per: time.Minute}, RunRateLimit: app.RateLimit{N: 5, Per: time.Minute},
		MaxFileBytes: 64, Now: clock, NewID: ids(), Logger: quiet,
	}
	return f
}

var staffer = access.Principal{Role: access.RoleInterviewer, ID: "iv-1", Name: "Grace"}

func candidate(mod func(*access.Invitation)) access.Principal {
	inv := &access.Invitation{ID: "inv-1", Candidate: "Ada", Challenges: []string{"add"}}
	if mod != nil {
		mod(inv)
	}
	return access.Principal{Role: access.RoleCandidate, ID: inv.ID, Name: inv.Candidate, Invitation: inv}
}

func addReq() app.SubmitRequest {
	return app.SubmitRequest{Challenge: "add", Files: map[string]string{"solution.py": "def add(a, b): return a + b\n"}, Submitter: "someone"}
}

func TestCreateCandidateSubmission(t *testing.T) {
	f := newSubmissions()
	out, err := f.u.Create(context.Background(), candidate(nil), addReq())
	if err != nil {
		t.Fatal(err)
	}
	sub := out.Submission
	want := runner.Submission{ID: "id-1", Challenge: "add", ChallengeVersion: "v2", Files: addReq().Files, Submitter: "Ada",
		Invitation: "inv-1", CreatedAt: now, Mode: runner.ModeSubmit}
	if out.Replayed || fmt.Sprint(sub) != fmt.Sprint(want) {
		t.Fatalf("submitted %+v, replayed %v; want %+v", sub, out.Replayed, want)
	}
	if len(f.store.created) != 1 || f.store.created[0].ID != "id-1" {
		t.Fatalf("stored %+v", f.store.created)
	}
	if len(f.drafts.saved) != 1 || f.drafts.saved[0].Source != runner.DraftSubmit || f.drafts.saved[0].Invitation != "inv-1" {
		t.Fatalf("drafts %+v", f.drafts.saved)
	}
	if len(f.marker.events) != 1 || f.marker.events[0].K != review.EventSubmit || f.marker.events[0].ID != "id-1" {
		t.Fatalf("markers %+v", f.marker.events)
	}
	if f.limiter.seen["invitation:inv-1"] != 1 {
		t.Fatalf("rate limit counted %v", f.limiter.seen)
	}
}

func TestCreateStaffRun(t *testing.T) {
	f := newSubmissions()
	req := addReq()
	req.Mode, req.Scratch, req.Challenge = "run", "def test_mine(): pass\n", "sum" // staff may take any challenge
	out, err := f.u.Create(context.Background(), staffer, req)
	if err != nil {
		t.Fatal(err)
	}
	if s := out.Submission; s.Mode != runner.ModeRun || s.Interviewer != "iv-1" || s.Invitation != "" || s.Submitter != "someone" || s.Scratch == "" {
		t.Fatalf("submitted %+v", s)
	}
	if len(f.limiter.seen) != 0 || len(f.drafts.saved) != 0 || len(f.marker.events) != 0 {
		t.Fatalf("staff were counted or recorded: %v %v %v", f.limiter.seen, f.drafts.saved, f.marker.events)
	}
}

func TestCreateIdempotent(t *testing.T) {
	f := newSubmissions()
	f.u.RateLimit.N = 10 // a replay counts against it as the first request did
	req := addReq()
	req.IdempotencyKey = "k1"
	first, err := f.u.Create(context.Background(), candidate(nil), req)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := f.store.keys["candidate:inv-1:k1"]; !ok {
		t.Fatalf("the key is not the principal's own: %v", f.store.keys)
	}
	again, err := f.u.Create(context.Background(), candidate(nil), req)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Replayed || again.Submission.ID != first.Submission.ID || len(f.store.created) != 1 {
		t.Fatalf("retry: %+v; stored %d", again, len(f.store.created))
	}
	if len(f.drafts.saved) != 1 {
		t.Fatalf("a replay kept a draft again: %d", len(f.drafts.saved))
	}
	other := req
	other.Files = map[string]string{"solution.py": "x = 1\n"}
	_, err = f.u.Create(context.Background(), candidate(nil), other)
	wantKind(t, err, app.Unprocessable, `Idempotency-Key "candidate:inv-1:k1" was already used for a different request`)
}

// TestCreateRefusals covers every kind Create returns, and that nothing is
// stored when it refuses.
func TestCreateRefusals(t *testing.T) {
	lastWeek := now.Add(-7 * 24 * time.Hour)
	for _, tc := range []struct {
		name  string
		p     access.Principal
		req   func(*app.SubmitRequest)
		setup func(f submitFixture)
		kind  app.Kind
		msg   string
		retry time.Duration
	}{
		{name: "no challenge", req: func(r *app.SubmitRequest) { r.Challenge = " " }, kind: app.Invalid, msg: "challenge is required"},
		{name: "no files", req: func(r *app.SubmitRequest) { r.Files = nil }, kind: app.Invalid, msg: "files is required"},
		{name: "long submitter", req: func(r *app.SubmitRequest) { r.Submitter = strings.Repeat("x", 201) }, kind: app.Invalid, msg: "submitter is longer than 200 characters"},
		{name: "unknown challenge", req: func(r *app.SubmitRequest) { r.Challenge = "nope" }, kind: app.NotFound, msg: `challenge "nope": not found`},
		{name: "bad mode", req: func(r *app.SubmitRequest) { r.Mode = "test" }, kind: app.Invalid, msg: `mode "test" is not "submit" or "run"`},
		{name: "scratch with a submission", req: func(r *app.SubmitRequest) { r.Scratch = "x" }, kind: app.Invalid, msg: "scratch tests go with a Run"},
		{name: "no invitation", p: access.Principal{Role: access.RoleCandidate, ID: "x"}, kind: app.Forbidden, msg: "only staff and invited candidates may submit"},
		{name: "another challenge", req: func(r *app.SubmitRequest) { r.Challenge = "sum" }, kind: app.Forbidden, msg: `your invitation does not include the challenge "sum"`},
		{name: "not started", p: candidate(func(i *access.Invitation) { i.Duration = access.Duration(time.Hour) }), kind: app.Forbidden, msg: "your timed session has not started"},
		{name: "time over", p: candidate(func(i *access.Invitation) {
			i.Duration, i.StartedAt = access.Duration(time.Hour), &lastWeek
		}), kind: app.Forbidden, msg: "your time is over"},
		{name: "expired", p: candidate(func(i *access.Invitation) { i.Deadline = &lastWeek }), kind: app.Forbidden, msg: "your invitation expired at 2025-02-22T12:00:00Z"},
		{name: "rate limited", setup: func(f submitFixture) { f.limiter.seen = map[string]int{"invitation:inv-1": 2} }, kind: app.RateLimited,
			msg: "too many submissions: at most 2 per 1m0s; try again in 42s", retry: 42 * time.Second},
		{name: "Runs rate limited apart", req: func(r *app.SubmitRequest) { r.Mode = "run" }, setup: func(f submitFixture) { f.limiter.seen = map[string]int{"run:invitation:inv-1": 5} },
			kind: app.RateLimited, msg: "too many Runs: at most 5 per 1m0s", retry: 42 * time.Second},
		{name: "missing entry file", req: func(r *app.SubmitRequest) { r.Files = map[string]string{"other.py": "x"} }, kind: app.Invalid, msg: "file solution.py is missing"},
		{name: "file too large", req: func(r *app.SubmitRequest) { r.Files["solution.py"] = strings.Repeat("x", 65) }, kind: app.TooLarge, msg: "file solution.py is 65 bytes; the limit is 64"},
		{name: "scratch too large", req: func(r *app.SubmitRequest) { r.Mode, r.Scratch = "run", strings.Repeat("x", 65) }, kind: app.TooLarge, msg: "is 65 bytes; the limit is 64"},
		{name: "not UTF-8", req: func(r *app.SubmitRequest) { r.Files["solution.py"] = "\xff" }, kind: app.Invalid, msg: "file solution.py is not valid UTF-8"},
		{name: "queue full", setup: func(f submitFixture) { f.u.QueueLimit, f.store.queued = 3, 3 }, kind: app.Unavailable,
			msg: "the queue is full (3 submissions waiting); try again shortly", retry: 10 * time.Second},
		{name: "Run lane full", req: func(r *app.SubmitRequest) { r.Mode = "run" }, setup: func(f submitFixture) { f.u.RunQueueLimit, f.store.queued = 1, 1 },
			kind: app.Unavailable, msg: "the queue is full (1 Runs waiting)", retry: 10 * time.Second},
		{name: "store down", setup: func(f submitFixture) { f.store.err = errDown }, kind: app.Unavailable, retry: 5 * time.Second},
		{name: "limiter down", setup: func(f submitFixture) { f.limiter.err = errDown }, kind: app.Unavailable, retry: 5 * time.Second},
		{name: "no attempts left", setup: func(f submitFixture) {
			f.store.createFn = func(runner.Submission) error { return fmt.Errorf("create: %w", access.ErrNoAttemptsLeft) }
		}, kind: app.Forbidden, msg: app.NoAttemptsLeft},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newSubmissions()
			if tc.setup != nil {
				tc.setup(f)
			}
			req := addReq()
			if tc.req != nil {
				tc.req(&req)
			}
			p := tc.p
			if p.Role == "" {
				p = candidate(nil)
			}
			_, err := f.u.Create(context.Background(), p, req)
			e := wantKind(t, err, tc.kind, tc.msg)
			if e != nil && e.RetryAfter != tc.retry {
				t.Errorf("RetryAfter = %v, want %v", e.RetryAfter, tc.retry)
			}
			if len(f.store.created) != 0 || len(f.drafts.saved) != 0 || len(f.marker.events) != 0 {
				t.Errorf("a refused request left traces: %v %v %v", f.store.created, f.drafts.saved, f.marker.events)
			}
		})
	}
}

// wantKind checks err's kind and that its message contains msg, and
// returns its *app.Error (as the API would read it).
func wantKind(t *testing.T, err error, kind app.Kind, msg string) *app.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %v", kind)
	}
	e, _, ok := app.As(err)
	if !ok || e.Kind != kind {
		t.Fatalf("error %v is of kind %v; want %v", err, app.KindOf(err), kind)
	}
	if !strings.Contains(e.Msg, msg) {
		t.Errorf("message %q does not contain %q", e.Msg, msg)
	}
	if kind == app.Unavailable && e.Msg == "" && !errors.Is(err, errDown) {
		t.Errorf("a store failure lost its cause: %v", err)
	}
	return e
}

func TestWorkOpenWithinTime(t *testing.T) {
	started := now.Add(-30 * time.Minute)
	inv := &access.Invitation{Duration: access.Duration(time.Hour), StartedAt: &started, Deadline: &[]time.Time{now.Add(time.Hour)}[0]}
	if err := app.WorkOpen(inv, now); err != nil {
		t.Fatalf("a running session refuses work: %v", err)
	}
}
