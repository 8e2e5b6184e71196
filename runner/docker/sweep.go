package docker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
)

// Sweep removes leftover sandbox containers: those labelled with this
// sandbox's worker name that none of its live runs owns (left by an earlier
// process of the same worker that was killed, or whose removal failed), and
// any worker's containers past their deadline label (a worker that died
// for good). It returns how many it removed. Containers without Assay's
// labels are never touched. Worker names must be unique among live
// workers on one engine, or workers would sweep each other's runs.
func (s *Sandbox) Sweep(ctx context.Context) (int, error) {
	list, err := s.Leftovers(ctx)
	if err != nil {
		return 0, err
	}
	removed := 0
	var errs []error
	for _, c := range list {
		err := s.cli.ContainerRemove(ctx, c.ID, container.RemoveOptions{Force: true, RemoveVolumes: true})
		if errdefs.IsNotFound(err) {
			continue // another sweep (another worker on this engine) got there first
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("remove %s: %w", c.ID[:12], err))
			continue
		}
		removed++
		s.cfg.Logger.Warn("removed leftover sandbox container", slog.String("container", c.ID[:12]),
			slog.String("submission", c.Submission), slog.String("owner", c.Worker), slog.Bool("expired", c.Expired))
	}
	if len(errs) > 0 {
		return removed, fmt.Errorf("%w: sweep: %w", ErrEngine, errors.Join(errs...))
	}
	return removed, nil
}

// Leftover is a sandbox container no live run owns.
type Leftover struct {
	ID, Submission, Worker string
	// Expired says its deadline has passed (it may be another worker's).
	Expired bool
}

// Leftovers lists the containers Sweep would remove.
func (s *Sandbox) Leftovers(ctx context.Context) ([]Leftover, error) {
	list, err := s.cli.ContainerList(ctx, container.ListOptions{All: true, Filters: filters.NewArgs(filters.Arg("label", LabelWorker))})
	if err != nil {
		return nil, fmt.Errorf("%w: list containers: %w", ErrEngine, err)
	}
	now := time.Now()
	var out []Leftover
	for _, c := range list {
		owner := c.Labels[LabelWorker]
		mine := owner == s.cfg.Worker && s.cfg.Worker != ""
		expired := false
		if d, err := strconv.ParseInt(c.Labels[LabelDeadline], 10, 64); err == nil {
			expired = now.Unix() > d
		}
		s.mu.Lock()
		live := s.running[c.Labels[LabelRun]]
		s.mu.Unlock()
		if live || (!mine && !expired) {
			continue
		}
		out = append(out, Leftover{ID: c.ID, Submission: c.Labels[LabelSubmission], Worker: owner, Expired: expired})
	}
	return out, nil
}
