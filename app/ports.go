package app

import (
	"context"
	"time"

	"assay/access"
	"assay/challenges"
	"assay/review"
	"assay/runner"
)

// The ports: what the use cases need of the stores, each as small as its
// users need. runner/redis's Broker and challenges' Library satisfy them
// (package api's wider interfaces embed the same methods).

// Catalog finds a challenge's current version (an error wrapping
// runner.ErrNotFound when there is none).
type Catalog interface {
	Get(slug string) (*challenges.Challenge, error)
}

// SubmissionStore stores submissions and queues them for workers.
type SubmissionStore interface {
	// Create stores the submission and queues it, atomically; an error
	// wrapping access.ErrNoAttemptsLeft when the invitation's attempts
	// at the challenge are used up.
	Create(ctx context.Context, s runner.Submission) error
	// CreateIdempotent is Create for a request with an idempotency key: a
	// retry (same key and fingerprint) returns the first submission's id
	// and creates nothing; the same key with another fingerprint is an
	// error wrapping runner.ErrKeyReused.
	CreateIdempotent(ctx context.Context, s runner.Submission, key, fingerprint string) (string, error)
	Get(ctx context.Context, id string) (runner.State, error)
	// QueueLength counts submissions queued or running; RunQueueLength
	// the Runs.
	QueueLength(ctx context.Context) (int64, error)
	RunQueueLength(ctx context.Context) (int64, error)
}

// States reads many submissions in a few round trips; an id without a
// submission is left out of the map.
type States interface {
	GetMany(ctx context.Context, ids []string) (map[string]runner.State, error)
}

// Limiter counts events in fixed windows (the rate limits).
type Limiter interface {
	// Allow counts one event for who in the current window of length per
	// and reports whether it is within limit, and if not how long until
	// the window ends.
	Allow(ctx context.Context, who string, limit int, per time.Duration, now time.Time) (bool, time.Duration, error)
}

// DraftSaver keeps a candidate's latest draft of a challenge.
type DraftSaver interface {
	SaveDraft(ctx context.Context, d runner.Draft) error
}

// EditMarker adds the server's markers (a Run, a submission) to a
// candidate's editor recording.
type EditMarker interface {
	MarkEdits(ctx context.Context, invitation, challenge string, e review.Event) error
}

// AssessmentReader reads assessments, their invitations and the
// invitations' submissions.
type AssessmentReader interface {
	Assessment(ctx context.Context, id string) (access.Assessment, error)
	Invitations(ctx context.Context, assessment string) ([]access.Invitation, error)
	InvitationSubmissions(ctx context.Context, id string) ([]string, error)
}

// RegradeStore keeps regrades.
type RegradeStore interface {
	// ChallengeSubmissions lists a challenge's submission ids, oldest first.
	ChallengeSubmissions(ctx context.Context, slug string) ([]string, error)
	// CreateRegrade stores the regrade, its items and copies, and queues
	// the copies on the regrade lane.
	CreateRegrade(ctx context.Context, rg runner.Regrade, copies []runner.Submission, items []runner.RegradeItem) error
}

// VersionLister lists a challenge's stored versions.
type VersionLister interface {
	Versions(ctx context.Context, slug string) ([]challenges.VersionInfo, error)
}
