package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"assay/access"
	"assay/review"
	"assay/runner"
)

// Submissions is the use case of creating a submission or a Run: the
// request's rules, the caller's admission (invitation, deadline, rate
// limits; the attempt limit is the store's, atomic with the enqueue), the
// queue's bound, and the store, idempotent when the request has a key.
type Submissions struct {
	Catalog Catalog
	Store   SubmissionStore
	// Limiter counts the rate limits; nil means none are counted.
	Limiter Limiter
	// Drafts and Recordings, if set, get a candidate's submission as their
	// latest draft and as a marker in their recording.
	Drafts     DraftSaver
	Recordings EditMarker
	// RateLimit and RunRateLimit bound each candidate's submissions and
	// Runs (apart); zero means none.
	RateLimit, RunRateLimit RateLimit
	// MaxFileBytes bounds each file.
	MaxFileBytes int
	// QueueLimit and RunQueueLimit refuse new submissions (Runs) while
	// this many are queued or running; 0 means no limit.
	QueueLimit, RunQueueLimit int64
	Now                       func() time.Time
	NewID                     func() string
	Logger                    *slog.Logger
}

// SubmitRequest is what a caller asks to submit.
type SubmitRequest struct {
	Challenge string
	Files     map[string]string
	Submitter string
	// Mode is "submit" (or "") or "run"; Scratch, the candidate's own
	// test file, goes only with a Run.
	Mode    string
	Scratch string
	// IdempotencyKey, if not "", makes a retry of the same request return
	// the first submission; it is the caller's (scoped to the principal).
	IdempotencyKey string
}

// Submitted is the submission created, or for a retried key the one the
// key created first (Replayed).
type Submitted struct {
	Submission runner.Submission
	Replayed   bool
}

// maxSubmitter bounds the submitter's name.
const maxSubmitter = 200

// Create checks req and p's admission, stores the submission and queues
// it. Errors: Invalid (the request), NotFound (the challenge), Forbidden
// (p may not submit this now, or has no attempts left), RateLimited,
// TooLarge (a file), Unprocessable (a key reused for another request),
// Unavailable (the queue is full, or the store is down).
func (u *Submissions) Create(ctx context.Context, p access.Principal, req SubmitRequest) (Submitted, error) {
	sub, err := u.check(ctx, p, req)
	if err != nil {
		return Submitted{}, err
	}
	if err := u.roomInQueue(ctx, sub.Mode); err != nil {
		return Submitted{}, err
	}
	if req.IdempotencyKey == "" {
		if err := u.Store.Create(ctx, sub); err != nil {
			return Submitted{}, StoreFailed(fmt.Errorf("create submission: %w", err))
		}
	} else {
		key := string(p.Role) + ":" + p.ID + ":" + req.IdempotencyKey // a key is the principal's own
		id, err := u.Store.CreateIdempotent(ctx, sub, key, Fingerprint(req))
		if errors.Is(err, runner.ErrKeyReused) {
			return Submitted{}, Errorf(Unprocessable, "Idempotency-Key %q was already used for a different request; use a new key for a new submission", key)
		}
		if err != nil {
			return Submitted{}, StoreFailed(fmt.Errorf("create submission: %w", err))
		}
		if id != sub.ID {
			return u.replay(ctx, id)
		}
	}
	u.Logger.Info("job queued", slog.String("submission", sub.ID), slog.String("challenge", sub.Challenge), slog.String("mode", string(sub.Mode)))
	u.keepDraft(ctx, sub)
	u.markEdits(ctx, sub)
	return Submitted{Submission: sub}, nil
}

// check applies the request's rules and p's admission, in the order the
// API has always answered them, and makes the submission.
func (u *Submissions) check(ctx context.Context, p access.Principal, req SubmitRequest) (runner.Submission, error) {
	switch {
	case strings.TrimSpace(req.Challenge) == "":
		return runner.Submission{}, Errorf(Invalid, "challenge is required")
	case len(req.Files) == 0:
		return runner.Submission{}, Errorf(Invalid, "files is required: an object of file name to source text")
	case len(req.Submitter) > maxSubmitter:
		return runner.Submission{}, Errorf(Invalid, "submitter is longer than %d characters", maxSubmitter)
	}
	ch, err := u.Catalog.Get(req.Challenge)
	if err != nil {
		return runner.Submission{}, err
	}
	mode, err := ModeOf(req.Mode, req.Scratch)
	if err != nil {
		return runner.Submission{}, err
	}
	if err := u.Admit(ctx, p, ch.Slug, mode); err != nil {
		return runner.Submission{}, err
	}
	if err := CheckEntry(ch.Files, req.Files, req.Scratch, u.MaxFileBytes); err != nil {
		return runner.Submission{}, err
	}
	sub := runner.Submission{
		ID:               u.NewID(),
		Challenge:        ch.Slug,
		ChallengeVersion: ch.Version,
		Files:            req.Files,
		Submitter:        req.Submitter,
		CreatedAt:        u.Now().UTC(),
		Mode:             mode,
		Scratch:          req.Scratch,
	}
	stamp(&sub, p)
	return sub, nil
}

// ModeOf reads a request's mode: "submit" (or "") or "run"; a scratch
// file only with a Run. Invalid otherwise.
func ModeOf(mode, scratch string) (runner.Mode, error) {
	switch mode {
	case "", "submit":
		if scratch != "" {
			return "", Errorf(Invalid, "scratch tests go with a Run (\"mode\": \"run\"), never with a submission")
		}
		return runner.ModeSubmit, nil
	case "run":
		return runner.ModeRun, nil
	}
	return "", Errorf(Invalid, "mode %q is not \"submit\" or \"run\"", mode)
}

// Admit decides whether p may submit to the challenge now: staff may
// submit to any challenge; a candidate only to the invitation's
// challenges, while it takes work (WorkOpen), within the rate limit of
// the mode (Runs are counted apart). Forbidden or RateLimited otherwise.
func (u *Submissions) Admit(ctx context.Context, p access.Principal, slug string, mode runner.Mode) error {
	if p.Role.Staff() {
		return nil
	}
	inv := p.Invitation
	if inv == nil {
		return Errorf(Forbidden, "only staff and invited candidates may submit")
	}
	if !inv.Allows(slug) {
		return Errorf(Forbidden, "your invitation does not include the challenge %q", slug)
	}
	if err := WorkOpen(inv, u.Now()); err != nil {
		return err
	}
	// Runs are counted apart: a candidate trying code often must not use
	// up the submissions' allowance, nor the other way round.
	rl, who, what := u.RateLimit, "invitation:"+inv.ID, "submissions"
	if mode == runner.ModeRun {
		rl, who, what = u.RunRateLimit, "run:invitation:"+inv.ID, "Runs"
	}
	if rl.N > 0 && u.Limiter != nil {
		return Allow(ctx, u.Limiter, who, rl, what, u.Now())
	}
	return nil
}

// queueRetry is how long a caller waits when the queue is full.
const queueRetry = 10 * time.Second

// roomInQueue refuses a submission (Unavailable, retry in 10s) while its
// lane's limit of submissions are queued or running. The check and the
// enqueue are two steps, so concurrent requests may pass it by a few.
func (u *Submissions) roomInQueue(ctx context.Context, mode runner.Mode) error {
	limit, length, what := u.QueueLimit, u.Store.QueueLength, "submissions"
	if mode == runner.ModeRun {
		limit, length, what = u.RunQueueLimit, u.Store.RunQueueLength, "Runs"
	}
	if limit <= 0 {
		return nil
	}
	n, err := length(ctx)
	if err != nil {
		return StoreFailed(fmt.Errorf("queue length: %w", err))
	}
	if n >= limit {
		u.Logger.Warn("queue full; submission refused", slog.String("mode", string(mode)), slog.Int64("queued", n), slog.Int64("limit", limit))
		return Errorf(Unavailable, "the queue is full (%d %s waiting); try again shortly", n, what).Retry(queueRetry)
	}
	return nil
}

// replay is the submission a retried key created first, as it was then.
func (u *Submissions) replay(ctx context.Context, id string) (Submitted, error) {
	st, err := u.Store.Get(ctx, id)
	if err != nil {
		return Submitted{}, StoreFailed(fmt.Errorf("idempotent replay of %s: %w", id, err))
	}
	u.Logger.Info("idempotent retry; no new submission", slog.String("submission", id))
	return Submitted{Submission: st.Submission, Replayed: true}, nil
}

// stamp records who sends a submission.
func stamp(sub *runner.Submission, p access.Principal) {
	if p.Role == access.RoleCandidate {
		// A candidate is who the invitation names, whatever the request
		// says: reviews and webhooks must not show another name.
		sub.Invitation = p.ID
		sub.Submitter = p.Name
		return
	}
	sub.Interviewer = p.ID
}

// Fingerprint identifies what a request asks for, so a key reused for a
// different request is caught.
func Fingerprint(req SubmitRequest) string {
	h := sha256.New()
	names := slices.Sorted(maps.Keys(req.Files))
	fmt.Fprintf(h, "%q\x00%q\x00%q\x00%d\x00", req.Challenge, req.Submitter, req.Mode, len(req.Scratch))
	io.WriteString(h, req.Scratch)
	for _, n := range names {
		fmt.Fprintf(h, "%q\x00%d\x00", n, len(req.Files[n]))
		io.WriteString(h, req.Files[n])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// keepDraft records what a candidate sent with a Run or Submit as their
// latest draft (a failure is logged: the submission is what counts).
func (u *Submissions) keepDraft(ctx context.Context, sub runner.Submission) {
	if sub.Invitation == "" || u.Drafts == nil {
		return
	}
	source := runner.DraftSubmit
	if sub.Mode == runner.ModeRun {
		source = runner.DraftRun
	}
	d := runner.Draft{Invitation: sub.Invitation, Challenge: sub.Challenge, Files: sub.Files, Scratch: sub.Scratch, SavedAt: sub.CreatedAt, Source: source}
	if err := u.Drafts.SaveDraft(ctx, d); err != nil {
		u.Logger.Warn("keep the draft of a submission", "submission", sub.ID, "err", err)
	}
}

// markEdits records a Run or submission in the candidate's recording, so
// the replay can be checked against it (a failure is logged: the
// submission is what counts).
func (u *Submissions) markEdits(ctx context.Context, sub runner.Submission) {
	if sub.Invitation == "" || u.Recordings == nil {
		return
	}
	kind := review.EventSubmit
	if sub.Mode == runner.ModeRun {
		kind = review.EventRun
	}
	e := review.Event{T: sub.CreatedAt.UnixMilli(), K: kind, ID: sub.ID}
	if err := u.Recordings.MarkEdits(ctx, sub.Invitation, sub.Challenge, e); err != nil {
		u.Logger.Warn("recording marker not kept", "submission", sub.ID, "err", err)
	}
}
