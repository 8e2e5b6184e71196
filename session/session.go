// Package session closes timed assessment sessions: when a candidate's
// time runs out, the latest draft of each challenge is submitted once, on
// the candidate's behalf, unless it is what they last submitted (a
// candidate who closed the page still gets their work graded).
package session

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"time"

	"github.com/google/uuid"

	"assay/access"
	"assay/runner"
)

// Store is what the closer reads and writes (the Redis broker).
type Store interface {
	EndedSessions(ctx context.Context, now time.Time) ([]string, error)
	ClaimEndedSession(ctx context.Context, id string, now time.Time) (bool, error)
	Invitation(ctx context.Context, id string) (access.Invitation, error)
	Draft(ctx context.Context, invitation, challenge string) (runner.Draft, error)
	InvitationSubmissions(ctx context.Context, id string) ([]string, error)
	Get(ctx context.Context, id string) (runner.State, error)
	Create(ctx context.Context, s runner.Submission) error
}

// Versions gives a challenge's current version (the catalog).
type Versions interface {
	Version(slug string) (string, error)
}

// VersionFunc is a function as Versions.
type VersionFunc func(slug string) (string, error)

// Version implements Versions.
func (f VersionFunc) Version(slug string) (string, error) { return f(slug) }

// Closer closes ended sessions every Every.
type Closer struct {
	Store    Store
	Versions Versions
	Every    time.Duration
	Logger   *slog.Logger
	Now      func() time.Time
}

// Run closes ended sessions until ctx ends.
func (c Closer) Run(ctx context.Context) {
	if c.Every <= 0 {
		c.Every = 5 * time.Second
	}
	t := time.NewTicker(c.Every)
	defer t.Stop()
	for {
		if err := c.CloseEnded(ctx); err != nil && ctx.Err() == nil {
			c.Logger.Warn("closing ended sessions", slog.Any("err", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// CloseEnded closes every session ended by now, each by one closer only.
// It returns the first error; the sessions it could not close stay listed
// only if they were not claimed (a claimed one that failed is logged).
func (c Closer) CloseEnded(ctx context.Context) error {
	now := c.Now()
	ids, err := c.Store.EndedSessions(ctx, now)
	if err != nil {
		return err
	}
	for _, id := range ids {
		mine, err := c.Store.ClaimEndedSession(ctx, id, now)
		if err != nil {
			return err
		}
		if !mine {
			continue
		}
		if err := c.close(ctx, id); err != nil {
			c.Logger.Error("closing an ended session", slog.String("invitation", id), slog.Any("err", err))
		}
	}
	return nil
}

// close submits the latest draft of each of the invitation's challenges
// that differs from its latest submission.
func (c Closer) close(ctx context.Context, id string) error {
	inv, err := c.Store.Invitation(ctx, id)
	if err != nil {
		return err
	}
	if inv.Revoked() {
		return nil // nobody submits for a candidate whose link was revoked
	}
	ids, err := c.Store.InvitationSubmissions(ctx, id)
	if err != nil {
		return err
	}
	last := map[string]runner.Submission{}
	for _, sid := range ids {
		st, err := c.Store.Get(ctx, sid)
		if err != nil {
			return err
		}
		if st.Submission.Mode == runner.ModeSubmit {
			last[st.Submission.Challenge] = st.Submission
		}
	}
	var errs []error
	for _, slug := range inv.Challenges {
		d, err := c.Store.Draft(ctx, id, slug)
		if errors.Is(err, runner.ErrNotFound) {
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if prev, ok := last[slug]; ok && maps.Equal(prev.Files, d.Files) {
			continue // what they submitted last
		}
		version, err := c.Versions.Version(slug)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		sub := runner.Submission{ID: uuid.NewString(), Challenge: slug, ChallengeVersion: version, Files: d.Files,
			Submitter: inv.Candidate, Invitation: inv.ID, CreatedAt: c.Now().UTC(), Auto: true}
		err = c.Store.Create(ctx, sub)
		if errors.Is(err, access.ErrNoAttemptsLeft) {
			c.Logger.Info("time is over; no attempt left for the last draft", slog.String("invitation", id), slog.String("challenge", slug))
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("submit the last draft of %s: %w", slug, err))
			continue
		}
		c.Logger.Info("time is over; the last draft was submitted", slog.String("invitation", id), slog.String("challenge", slug), slog.String("submission", sub.ID))
	}
	return errors.Join(errs...)
}
