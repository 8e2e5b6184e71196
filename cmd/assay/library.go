package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"assay/api"
	"assay/challenges"
	"assay/runner"
	"assay/runner/docker"
)

// refreshEvery is how often an API process looks for challenges published
// by other processes sharing its Redis.
const refreshEvery = 2 * time.Second

// openLibrary wraps the on-disk catalog in the library of every version:
// it stores each on-disk challenge version in Redis (so a version stays
// gradable after its folder changes) and reads what was published.
func (a *App) openLibrary(ctx context.Context, disk *challenges.Catalog) error {
	defaults, ceiling := a.cfg.limits()
	lib, err := challenges.NewLibrary(challenges.LibraryConfig{Disk: disk, Store: a.broker.Challenges, Defaults: defaults, Ceiling: ceiling, Logger: a.log})
	if err != nil {
		return err
	}
	if err := lib.Register(ctx, challenges.Builtin(), runner.OriginBuiltin); err != nil {
		return fmt.Errorf("store built-in challenge versions: %w", err)
	}
	if dir := a.cfg.ChallengesDir; dir != "" {
		if err := lib.Register(ctx, os.DirFS(dir), runner.OriginDirectory); err != nil {
			return fmt.Errorf("store challenge versions of %s: %w", dir, err)
		}
	}
	if err := lib.Refresh(ctx); err != nil {
		// The on-disk challenges are served; Watch tries again.
		a.log.Error("some published challenges are not served", slog.Any("err", err))
	}
	a.library = lib
	return nil
}

// publishing is what checks uploaded challenges: the worker's sandbox in
// `serve`; in `api`, a sandbox of its own when this process can reach
// Docker and the image, and otherwise none (uploads then answer 503).
// Each runtime of ASSAY_CHECK_RUNTIMES other than that sandbox's gets a
// sandbox too: an upload must pass under every one; when one cannot be
// had, publishing is off rather than checking less than asked.
func (a *App) publishing(ctx context.Context) api.Publisher {
	pub := challenges.Publisher{Library: a.library}
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var own *docker.Sandbox
	if a.sandbox != nil {
		own = a.sandbox
	} else {
		sb, err := docker.New(dctx, docker.Config{Image: a.cfg.Image, Images: a.cfg.images(), Runtime: a.cfg.Runtime, Worker: a.cfg.WorkerID + "-publish", Logger: a.log})
		if err != nil {
			a.log.Warn("publishing challenges is off in this process: it cannot reach the Docker sandbox", slog.Any("err", err))
			return pub
		}
		a.publishers = append(a.publishers, sb)
		own = sb
	}
	var also []runner.Sandbox
	ownRuntime := ""
	if len(a.cfg.CheckRuntimes) > 0 {
		ownRuntime = own.RuntimeName(dctx)
	}
	for _, rt := range a.cfg.CheckRuntimes {
		if rt == ownRuntime {
			continue
		}
		sb, err := docker.New(dctx, docker.Config{Image: a.cfg.Image, Images: a.cfg.images(), Runtime: rt, Worker: a.cfg.WorkerID + "-publish-" + rt, Logger: a.log})
		if err != nil {
			a.log.Error("publishing challenges is off in this process: it cannot check under a runtime of ASSAY_CHECK_RUNTIMES",
				slog.String("runtime", rt), slog.Any("err", err))
			return pub
		}
		a.publishers = append(a.publishers, sb)
		also = append(also, sb)
	}
	pub.Sandbox, pub.Also = own, also
	return pub
}
