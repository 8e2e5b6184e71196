package similarity_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"assay/access"
	"assay/internal/testenv"
	"assay/runner"
	"assay/runner/redis"
	"assay/similarity"
)

type cohort struct {
	broker *redis.Broker
	rdb    *goredis.Client
	index  *similarity.Index
	sc     similarity.Scaffold
}

func newCohort(t *testing.T) *cohort {
	t.Helper()
	url := testenv.Redis(t)
	ctx := context.Background()
	b, err := redis.New(ctx, redis.Config{URL: url, Block: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	opts, err := goredis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := goredis.NewClient(opts)
	t.Cleanup(func() { rdb.Close() })
	x, err := similarity.NewIndex(similarity.Config{Redis: rdb})
	if err != nil {
		t.Fatal(err)
	}
	return &cohort{broker: b, rdb: rdb, index: x, sc: decorators(t)}
}

// submit records a graded submission the way a worker does: Create, then
// SaveResult, whose script queues it for the indexer.
func (c *cohort) submit(t *testing.T, id, invitation, file string) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.broker.Assessment(ctx, "as"); err != nil {
		if err := c.broker.CreateAssessment(ctx, access.Assessment{ID: "as", Name: "cohort"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.broker.Invitation(ctx, invitation); err != nil {
		if err := c.broker.CreateInvitation(ctx, access.Invitation{ID: invitation, Assessment: "as", Challenges: []string{"decorators"}}, "hash-"+invitation); err != nil {
			t.Fatal(err)
		}
	}
	s := runner.Submission{ID: id, Challenge: "decorators", ChallengeVersion: "v1", Invitation: invitation,
		Files: seeded(t, file), CreatedAt: time.Now().UTC()}
	if err := c.broker.Create(ctx, s); err != nil {
		t.Fatal(err)
	}
	if _, err := c.broker.SaveResult(ctx, runner.Result{SubmissionID: id, Verdict: runner.VerdictPassed}); err != nil {
		t.Fatal(err)
	}
}

type scaffolds struct{ sc similarity.Scaffold }

func (s scaffolds) Scaffold(context.Context, string, string) (similarity.Scaffold, error) {
	return s.sc, nil
}

// flaky fails its first `fail` loads: an indexer that dies before it
// indexed.
type flaky struct {
	similarity.Submissions
	fail atomic.Int32
}

func (f *flaky) Submission(ctx context.Context, id string) (runner.Submission, error) {
	if f.fail.Add(-1) >= 0 {
		return runner.Submission{}, errors.New("indexer died")
	}
	return f.Submissions.Submission(ctx, id)
}

func (c *cohort) indexer(name string, subs similarity.Submissions) *similarity.Indexer {
	return &similarity.Indexer{Index: c.index, Submissions: subs, Scaffolds: scaffolds{c.sc}, Consumer: name,
		ReclaimIdle: time.Millisecond, Block: 10 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)}
}

// drain runs ix until the queue is empty and nothing is pending.
func (c *cohort) drain(t *testing.T, ix *similarity.Indexer) {
	t.Helper()
	ctx := context.Background()
	for range 100 {
		if err := ix.Step(ctx); err != nil {
			t.Fatal(err)
		}
		n, err := c.rdb.XLen(ctx, c.index.Queue()).Result()
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("the queue did not drain")
}

// snapshot is every key of the index and its content: what indexing twice
// must not change.
func (c *cohort) snapshot(t *testing.T) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	keys, err := c.rdb.Keys(ctx, "assay:similarity:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		typ, _ := c.rdb.Type(ctx, k).Result()
		var v any
		switch typ {
		case "string":
			v, err = c.rdb.Get(ctx, k).Result()
		case "set":
			v, err = c.rdb.SMembers(ctx, k).Result()
			if s, ok := v.([]string); ok {
				v = fmt.Sprint(len(s), s)
			}
		case "hash":
			v, err = c.rdb.HGetAll(ctx, k).Result()
		case "zset":
			v, err = c.rdb.ZRangeWithScores(ctx, k, 0, -1).Result()
		case "stream":
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		out[k] = fmt.Sprint(v)
	}
	return out
}

// The cohort through the real queue: the copy is paired with its source
// (both sides), independent solutions and a candidate's own resubmission
// are not, the reference's copy is flagged by its record.
func TestIndexFindsTheCopyIncrementally(t *testing.T) {
	c := newCohort(t)
	ctx := context.Background()
	for i, name := range []string{"alice", "bob", "carol", "dan", "erin", "trent"} {
		c.submit(t, name, "inv-"+name, name)
		if i == 1 {
			// Bob resubmits the same code: his own, not a pair.
			c.submit(t, "bob-again", "inv-bob", "bob")
		}
	}
	c.submit(t, "mallory", "inv-mallory", "mallory")
	c.drain(t, c.indexer("a", c.broker))

	got, err := c.index.Similar(ctx, "mallory")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != "alice" || got[0].Score < 0.8 {
		t.Errorf("similar to mallory: %+v, want alice at 0.8 or more", got)
	}
	back, _ := c.index.Similar(ctx, "alice")
	if len(back) != 1 || back[0].ID != "mallory" {
		t.Errorf("similar to alice: %+v, want mallory", back)
	}
	for _, id := range []string{"bob", "bob-again", "carol", "dan", "erin", "trent"} {
		if m, _ := c.index.Similar(ctx, id); len(m) != 0 {
			t.Errorf("similar to %s: %+v, want none", id, m)
		}
	}
	rec, ok, err := c.index.Record(ctx, "trent")
	if err != nil || !ok || rec.Reference < 0.8 {
		t.Errorf("trent's record: %+v %v %v, want reference >= 0.8", rec, ok, err)
	}
}

// An indexer that dies before acknowledging leaves its entry to another,
// which indexes it; indexing a submission again (a redelivery, or a death
// after Add and before the ack) changes nothing.
func TestIndexSurvivesRestartsWithoutDoubleCounting(t *testing.T) {
	c := newCohort(t)
	ctx := context.Background()
	c.submit(t, "alice", "inv-a", "alice")
	c.drain(t, c.indexer("a", c.broker))

	c.submit(t, "mallory", "inv-m", "mallory")
	dying := &flaky{Submissions: c.broker}
	dying.fail.Store(1)
	if err := c.indexer("dies", dying).Step(ctx); err == nil {
		t.Fatal("the dying indexer's step succeeded")
	}
	pending, err := c.rdb.XPending(ctx, c.index.Queue(), "similarity").Result()
	if err != nil || pending.Count != 1 {
		t.Fatalf("pending after the death: %+v %v, want 1", pending, err)
	}
	if _, ok, _ := c.index.Record(ctx, "mallory"); ok {
		t.Fatal("mallory indexed by the indexer that died")
	}
	c.drain(t, c.indexer("b", c.broker)) // takes it over
	if m, _ := c.index.Similar(ctx, "mallory"); len(m) != 1 || m[0].ID != "alice" {
		t.Fatalf("after the takeover: %+v, want alice", m)
	}
	before := c.snapshot(t)

	// The same submission delivered again, as after a death between Add
	// and the ack.
	if err := c.rdb.XAdd(ctx, &goredis.XAddArgs{Stream: c.index.Queue(), Values: map[string]any{"id": "mallory"}}).Err(); err != nil {
		t.Fatal(err)
	}
	c.drain(t, c.indexer("c", c.broker))
	after := c.snapshot(t)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s changed by indexing again:\n before %s\n after  %s", k, v, after[k])
		}
	}
	if len(after) != len(before) {
		t.Errorf("%d keys before, %d after", len(before), len(after))
	}
}

// A fingerprint in more than MaxPostings submissions is dropped: its
// postings go and it is not counted again, which bounds the work.
func TestCommonFingerprintsAreDropped(t *testing.T) {
	c := newCohort(t)
	ctx := context.Background()
	x, err := similarity.NewIndex(similarity.Config{Redis: c.rdb, MaxPostings: 2})
	if err != nil {
		t.Fatal(err)
	}
	a := similarity.Analyze(seeded(t, "alice"), c.sc, similarity.DefaultParams)
	for i := range 4 {
		id := fmt.Sprint("copy", i)
		if _, added, err := x.Add(ctx, similarity.Record{ID: id, Challenge: "decorators", Author: id}, a); err != nil || !added {
			t.Fatalf("add %s: %v %v", id, added, err)
		}
	}
	common, err := c.rdb.SCard(ctx, "assay:similarity:decorators:common").Result()
	if err != nil || int(common) != len(similarity.Hashes(a.Fingerprints)) {
		t.Errorf("common fingerprints: %d %v, want all %d", common, err, len(similarity.Hashes(a.Fingerprints)))
	}
	postings, _ := c.rdb.Keys(ctx, "assay:similarity:decorators:fp:*").Result()
	if len(postings) != 0 {
		t.Errorf("%d postings left, want none", len(postings))
	}
	rec, _, _ := x.Record(ctx, "copy3")
	if rec.Fingerprints != 0 {
		t.Errorf("the fourth copy indexed %d fingerprints, want 0 (all common)", rec.Fingerprints)
	}
}

// Submissions recorded before the similarity queue existed are queued
// once by Backfill, and indexed; a second Backfill queues nothing.
func TestBackfillQueuesTheOldOnce(t *testing.T) {
	c := newCohort(t)
	ctx := context.Background()
	c.submit(t, "alice", "inv-a", "alice")
	c.submit(t, "mallory", "inv-m", "mallory")
	c.drain(t, c.indexer("a", c.broker))
	// As if alice had been recorded before: her index entry is gone.
	if err := c.rdb.Del(ctx, "assay:similarity:submission:alice", "assay:similarity:submission:alice:similar", "assay:similarity:submission:mallory:similar").Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.rdb.HDel(ctx, "assay:similarity:decorators:subs", "alice").Err(); err != nil {
		t.Fatal(err)
	}
	n, err := c.index.Backfill(ctx, []string{"decorators", "gone"}, c.broker.ChallengeSubmissions)
	if err != nil || n != 1 {
		t.Fatalf("backfill: %d %v, want 1 (alice)", n, err)
	}
	c.drain(t, c.indexer("b", c.broker))
	if m, _ := c.index.Similar(ctx, "alice"); len(m) != 1 || m[0].ID != "mallory" {
		t.Errorf("after the backfill: %+v, want mallory", m)
	}
	if n, err := c.index.Backfill(ctx, []string{"decorators"}, c.broker.ChallengeSubmissions); err != nil || n != 0 {
		t.Errorf("second backfill: %d %v, want 0", n, err)
	}
}

func TestNewIndexRefusesBadThresholds(t *testing.T) {
	rdb := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1"}) // never dialled
	defer rdb.Close()
	for _, th := range []float64{1.5, math.NaN(), math.Inf(1)} {
		if _, err := similarity.NewIndex(similarity.Config{Redis: rdb, Threshold: th}); err == nil {
			t.Errorf("threshold %v accepted", th)
		}
	}
	if x, err := similarity.NewIndex(similarity.Config{Redis: rdb}); err != nil || x.Threshold() != similarity.DefaultThreshold {
		t.Errorf("the default: %v", err)
	}
}

// An entry that keeps failing is given up on after MaxDeliveries, not
// retried forever; the others go on meanwhile.
func TestPoisonedEntryIsGivenUp(t *testing.T) {
	c := newCohort(t)
	ctx := context.Background()
	c.submit(t, "alice", "inv-a", "alice")
	broken := &flaky{Submissions: c.broker}
	broken.fail.Store(1000)
	ix := c.indexer("a", broken)
	ix.MaxDeliveries = 3
	steps := 0
	for ; steps < 20; steps++ {
		if n, _ := c.rdb.XLen(ctx, c.index.Queue()).Result(); n == 0 {
			break
		}
		_ = ix.Step(ctx) // fails until given up on
	}
	if tries := 1000 - broken.fail.Load(); tries != 3 {
		t.Errorf("%d tries (in %d steps), want 3", tries, steps)
	}
	if n, _ := c.rdb.XLen(ctx, c.index.Queue()).Result(); n != 0 {
		t.Errorf("the queue still holds %d", n)
	}
	if _, ok, _ := c.index.Record(ctx, "alice"); ok {
		t.Error("alice indexed")
	}
}
