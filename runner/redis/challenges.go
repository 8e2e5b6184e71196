package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"assay/runner"
)

// Challenge versions: every version of every challenge the servers have
// served or published, so that a submission is always graded against the
// version it was made for. Keys are in keys.go.

// Challenges keeps every version of every challenge and which one is
// published: it implements challenges.VersionStore.
type Challenges struct{ *shared }

// saveVersionLua stores a version's record and its listing entry together,
// once: KEYS = record, versions hash; ARGV = record JSON, version, listing
// JSON. Returns 1 when stored, 0 when the version was already there.
const saveVersionLua = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
  return 1
end
return 0
`

// publishLua makes a stored version current: KEYS = versions hash,
// current hash, history list, revision; ARGV = slug, version, publication
// JSON. Returns -1 when the version is not stored.
const publishLua = `
if redis.call('HEXISTS', KEYS[1], ARGV[2]) == 0 then
  return -1
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('RPUSH', KEYS[3], ARGV[3])
return redis.call('INCR', KEYS[4])
`

// SaveChallengeVersion stores v (its files included) unless that version
// of the challenge is already stored, and reports whether it stored it.
// A stored version never changes: its content is what its name hashes.
func (b *Challenges) SaveChallengeVersion(ctx context.Context, v runner.ChallengeVersion) (bool, error) {
	if v.Challenge == "" || v.Version == "" {
		return false, errors.New("save challenge version: empty challenge or version")
	}
	record, err := json.Marshal(v)
	if err != nil {
		return false, fmt.Errorf("save challenge %s version %s: %w", v.Challenge, v.Version, err)
	}
	v.Files = nil
	listing, err := json.Marshal(v)
	if err != nil {
		return false, fmt.Errorf("save challenge %s version %s: %w", v.Challenge, v.Version, err)
	}
	n, err := goredis.NewScript(saveVersionLua).Run(ctx, b.rdb,
		[]string{b.keys.challengeVersion(v.Challenge, v.Version), b.keys.challengeVersions(v.Challenge)},
		record, v.Version, listing,
	).Int()
	if err != nil {
		return false, fmt.Errorf("save challenge %s version %s: %w", v.Challenge, v.Version, err)
	}
	return n == 1, nil
}

// ChallengeVersion returns a stored version with its files, or an error
// wrapping runner.ErrNotFound.
func (b *Challenges) ChallengeVersion(ctx context.Context, slug, version string) (runner.ChallengeVersion, error) {
	var v runner.ChallengeVersion
	if err := decode(b.rdb.Get(ctx, b.keys.challengeVersion(slug, version)), &v); err != nil {
		return runner.ChallengeVersion{}, fmt.Errorf("challenge %s version %s: %w", slug, version, err)
	}
	return v, nil
}

// ChallengeVersions lists a challenge's stored versions, oldest first,
// without their files. An unknown challenge has none.
func (b *Challenges) ChallengeVersions(ctx context.Context, slug string) ([]runner.ChallengeVersion, error) {
	all, err := b.rdb.HGetAll(ctx, b.keys.challengeVersions(slug)).Result()
	if err != nil {
		return nil, fmt.Errorf("versions of %s: %w", slug, err)
	}
	out := make([]runner.ChallengeVersion, 0, len(all))
	for version, data := range all {
		var v runner.ChallengeVersion
		if err := json.Unmarshal([]byte(data), &v); err != nil {
			return nil, fmt.Errorf("versions of %s: %s: %w", slug, version, err)
		}
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].StoredAt.Equal(out[j].StoredAt) {
			return out[i].StoredAt.Before(out[j].StoredAt)
		}
		return out[i].Version < out[j].Version
	})
	return out, nil
}

// PublishChallenge makes a stored version the challenge's current
// published version, records when, and bumps the revision other processes
// watch. An unstored version is an error wrapping runner.ErrNotFound.
func (b *Challenges) PublishChallenge(ctx context.Context, slug, version string, at time.Time) error {
	pub, err := json.Marshal(runner.Publication{Version: version, At: at.UTC()})
	if err != nil {
		return fmt.Errorf("publish %s version %s: %w", slug, version, err)
	}
	n, err := goredis.NewScript(publishLua).Run(ctx, b.rdb,
		[]string{b.keys.challengeVersions(slug), b.keys.publishedChallenges(), b.keys.challengePublications(slug), b.keys.challengesRevision()},
		slug, version, pub,
	).Int64()
	if err != nil {
		return fmt.Errorf("publish %s version %s: %w", slug, version, err)
	}
	if n < 0 {
		return fmt.Errorf("publish %s version %s: the version is not stored: %w", slug, version, runner.ErrNotFound)
	}
	return nil
}

// PublishedChallenges returns the current published version of every
// challenge published over the API, and the revision it was read at.
func (b *Challenges) PublishedChallenges(ctx context.Context) (map[string]string, int64, error) {
	var cur *goredis.MapStringStringCmd
	var rev *goredis.StringCmd
	_, err := b.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		cur = p.HGetAll(ctx, b.keys.publishedChallenges())
		rev = p.Get(ctx, b.keys.challengesRevision())
		return nil
	})
	if err != nil && !errors.Is(err, goredis.Nil) {
		return nil, 0, fmt.Errorf("published challenges: %w", err)
	}
	n, err := parseRevision(rev)
	if err != nil {
		return nil, 0, fmt.Errorf("published challenges: %w", err)
	}
	return cur.Val(), n, nil
}

// ChallengesRevision returns a number that grows whenever a challenge is
// published: a process that cached PublishedChallenges at an older
// revision reads them again.
func (b *Challenges) ChallengesRevision(ctx context.Context) (int64, error) {
	n, err := parseRevision(b.rdb.Get(ctx, b.keys.challengesRevision()))
	if err != nil {
		return 0, fmt.Errorf("challenges revision: %w", err)
	}
	return n, nil
}

func parseRevision(cmd *goredis.StringCmd) (int64, error) {
	s, err := cmd.Result()
	if errors.Is(err, goredis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(s, 10, 64)
}

// ChallengePublications lists when each version of a challenge was made
// current over the API, oldest first.
func (b *Challenges) ChallengePublications(ctx context.Context, slug string) ([]runner.Publication, error) {
	out, err := listJSON[runner.Publication](ctx, b.rdb, b.keys.challengePublications(slug))
	if err != nil {
		return nil, fmt.Errorf("publications of %s: %w", slug, err)
	}
	return out, nil
}
