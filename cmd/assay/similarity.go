package main

import (
	"context"
	"fmt"
	"log/slog"

	goredis "github.com/redis/go-redis/v9"

	"assay/api"
	"assay/challenges"
	"assay/similarity"
)

// openSimilarity connects the cohort's similarity index: API processes
// read it for staff, processes with workers index each recorded
// submission (newIndexer). It has a client of its own, so that its Lua
// step (bounded, but the longest of Assay's) never queues behind the
// broker's blocking reads.
func (a *App) openSimilarity() error {
	opts, err := goredis.ParseURL(a.cfg.RedisURL)
	if err != nil {
		return fmt.Errorf("similarity: Redis URL: %w", err)
	}
	a.simRedis = goredis.NewClient(opts)
	x, err := similarity.NewIndex(similarity.Config{Redis: a.simRedis, Threshold: a.cfg.SimilarityThreshold, Logger: a.log})
	if err != nil {
		return err
	}
	a.similarity = x
	return nil
}

// newIndexer is the similarity indexer of a process with workers: one
// consumer (named after the worker) of the similarity queue's group.
func (a *App) newIndexer() *similarity.Indexer {
	return &similarity.Indexer{Index: a.similarity, Submissions: a.broker.Results, Scaffolds: libraryScaffolds{a.library},
		Consumer: a.cfg.WorkerID, Logger: a.log}
}

// libraryScaffolds finds the scaffolding of any stored challenge version.
type libraryScaffolds struct{ lib *challenges.Library }

func (l libraryScaffolds) Scaffold(ctx context.Context, slug, version string) (similarity.Scaffold, error) {
	ch, err := l.lib.Challenge(ctx, slug, version)
	if err != nil {
		return similarity.Scaffold{}, fmt.Errorf("scaffolding of %s@%s: %w", slug, version, err)
	}
	return api.ScaffoldOf(ch), nil
}

// backfillSimilarity queues, once per Redis, the submissions recorded
// before the similarity index existed, for the indexers to compare.
func (a *App) backfillSimilarity(ctx context.Context) {
	var slugs []string
	for _, ch := range a.library.List() {
		slugs = append(slugs, ch.Slug)
	}
	n, err := a.similarity.Backfill(ctx, slugs, a.broker.ChallengeSubmissions)
	if err != nil {
		a.log.Warn("could not queue old submissions for similarity: they are not compared", slog.Any("err", err))
	} else if n > 0 {
		a.log.Info("queued old submissions for similarity", slog.Int("submissions", n))
	}
}
