package similarity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Keys of the index, under Config.Prefix ("assay"), {slug} a challenge,
// {id} a submission; listed in runner/redis/keys.go with the others:
//
//	{prefix}:similarity:queue                     stream  recorded submissions to index (field "id"),
//	                                                      added by SaveResult's script; group "similarity".
//	{prefix}:similarity:{slug}:fp:{hash}          set     ids of the submissions with that fingerprint
//	                                                      (at most MaxPostings, then dropped: see common).
//	{prefix}:similarity:{slug}:common             set     fingerprints seen in more than MaxPostings
//	                                                      submissions: scaffolding-like, ignored from then on.
//	{prefix}:similarity:{slug}:subs               hash    id -> "fingerprints author": the indexed submissions.
//	{prefix}:similarity:submission:{id}           string  JSON of Record; written once, by the same script
//	                                                      as the postings (so indexing twice is a no-op).
//	{prefix}:similarity:submission:{id}:similar   zset    other id -> score, for the pairs at or above
//	                                                      the threshold (both sides written together).
//
// The index does not depend on the challenge version: fingerprints are
// scaffolding-free already, each against its own version.
type keys struct{ prefix string }

func (k keys) root() string  { return k.prefix + ":similarity" }
func (k keys) Queue() string { return k.root() + ":queue" }
func (k keys) posting(slug string, h uint64) string {
	return k.root() + ":" + slug + ":fp:" + strconv.FormatUint(h, 16)
}
func (k keys) common(slug string) string { return k.root() + ":" + slug + ":common" }
func (k keys) subs(slug string) string   { return k.root() + ":" + slug + ":subs" }
func (k keys) record(id string) string   { return k.root() + ":submission:" + id }
func (k keys) similarPrefix() string     { return k.root() + ":submission:" }
func (k keys) similar(id string) string  { return k.record(id) + ":similar" }

// Record is what the index keeps of one submission.
type Record struct {
	ID        string `json:"id"`
	Challenge string `json:"challenge"`
	Version   string `json:"challenge_version"`
	Author    string `json:"author"` // invitation id; a submission is never compared with its author's others
	// Fingerprints counts the distinct fingerprints indexed (scaffolding
	// and scaffolding-like ones removed); fewer than MinFingerprints: not
	// scored against anyone.
	Fingerprints int `json:"fingerprints"`
	// Reference is the similarity to the challenge's reference solution.
	Reference float64   `json:"reference"`
	IndexedAt time.Time `json:"indexed_at"`
}

// Match is one submission similar to another, and the score of the pair.
type Match struct {
	ID    string  `json:"id"`
	Score float64 `json:"score"`
}

// Config configures an Index. Zero values take the defaults.
type Config struct {
	Redis  *goredis.Client
	Prefix string // default "assay"
	// Threshold is the score at or above which a pair is stored
	// (DefaultThreshold).
	Threshold float64
	// MinFingerprints: smaller submissions are not scored (DefaultMinFingerprints).
	MinFingerprints int
	// MaxPostings bounds the submissions listed under one fingerprint
	// (DefaultMaxPostings): a fingerprint more common than that is
	// scaffolding-like and dropped, which bounds the work per submission
	// by MaxFingerprints * MaxPostings whatever the cohort's size.
	MaxPostings int
	// MaxFingerprints bounds the fingerprints indexed per submission
	// (DefaultMaxFingerprints); a larger submission keeps the smallest
	// hashes, a sample that is stable from one copy to another.
	MaxFingerprints int
	Params          Params
	Logger          *slog.Logger
}

// Defaults of Config.
const (
	DefaultMaxPostings     = 100
	DefaultMaxFingerprints = 1000
)

func (c Config) withDefaults() Config {
	if c.Prefix == "" {
		c.Prefix = "assay"
	}
	if c.Threshold <= 0 {
		c.Threshold = DefaultThreshold
	}
	if c.MinFingerprints <= 0 {
		c.MinFingerprints = DefaultMinFingerprints
	}
	if c.MaxPostings <= 0 {
		c.MaxPostings = DefaultMaxPostings
	}
	if c.MaxFingerprints <= 0 {
		c.MaxFingerprints = DefaultMaxFingerprints
	}
	if c.Params == (Params{}) {
		c.Params = DefaultParams
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Index is the cohort's fingerprints in Redis.
type Index struct {
	cfg    Config
	keys   keys
	script *goredis.Script
}

// NewIndex returns an index on cfg.Redis.
func NewIndex(cfg Config) (*Index, error) {
	cfg = cfg.withDefaults()
	if cfg.Redis == nil {
		return nil, errors.New("similarity: no Redis client")
	}
	if !(cfg.Threshold > 0 && cfg.Threshold <= 1) { // (NaN is neither)
		return nil, fmt.Errorf("similarity: threshold %v is not above 0 and at most 1", cfg.Threshold)
	}
	return &Index{cfg: cfg, keys: keys{cfg.Prefix}, script: goredis.NewScript(addLua)}, nil
}

// Threshold is the score at or above which pairs are stored.
func (x *Index) Threshold() float64 { return x.cfg.Threshold }

// Params are the winnowing parameters the index uses.
func (x *Index) Params() Params { return x.cfg.Params }

// Queue is the stream of submissions to index.
func (x *Index) Queue() string { return x.keys.Queue() }

// addLua indexes one submission atomically: its fingerprints are looked
// up and added, the pairs at or above the threshold stored on both
// sides, and its record written, all or nothing. A submission already
// recorded is left alone, so a consumer that dies after this step and
// runs it again counts nothing twice; and since the lookup and the
// writes are one step, two submissions indexed at once cannot miss each
// other.
//
//	KEYS: record, subs hash, common set, then one posting set per hash
//	ARGV: id, record JSON (without the count), author, threshold,
//	      max postings, min fingerprints, prefix of the similar zsets,
//	      then the hashes (as in KEYS[4..])
//	returns {0} if already indexed, else {1, count, id1, score1, id2, score2...}
//
// The other submissions' similar zsets are named from ARGV (their ids are
// found inside the script), so the script is not Redis Cluster safe; Assay
// runs on one Redis.
const addLua = `#!lua
if redis.call('EXISTS', KEYS[1]) == 1 then
	return {0}
end
local id, author = ARGV[1], ARGV[3]
local threshold, maxp, minfp = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local counts = {}
local n = 0
for i = 4, #KEYS do
	local h = ARGV[i + 4]
	if redis.call('SISMEMBER', KEYS[3], h) == 0 then
		n = n + 1
		for _, m in ipairs(redis.call('SMEMBERS', KEYS[i])) do
			if m ~= id then
				counts[m] = (counts[m] or 0) + 1
			end
		end
		redis.call('SADD', KEYS[i], id)
		if redis.call('SCARD', KEYS[i]) > maxp then
			redis.call('SADD', KEYS[3], h)
			redis.call('DEL', KEYS[i])
		end
	end
end
local out = {1, n}
if n >= minfp then
	for m, c in pairs(counts) do
		local meta = redis.call('HGET', KEYS[2], m)
		if meta then
			local sp = string.find(meta, ' ', 1, true)
			local other, oauthor = tonumber(string.sub(meta, 1, sp - 1)), string.sub(meta, sp + 1)
			if oauthor ~= author and other >= minfp then
				local score = c / math.min(n, other)
				if score >= threshold then
					local s = string.format('%.4f', score)
					redis.call('ZADD', ARGV[7] .. id .. ':similar', s, m)
					redis.call('ZADD', ARGV[7] .. m .. ':similar', s, id)
					table.insert(out, m)
					table.insert(out, s)
				end
			end
		end
	end
end
redis.call('HSET', KEYS[2], id, n .. ' ' .. author)
local rec = cjson.decode(ARGV[2])
rec['fingerprints'] = n
redis.call('SET', KEYS[1], cjson.encode(rec))
return out
`

// Add indexes one submission of a challenge from its analysis, and returns
// the pairs it makes (score at or above the threshold). added is false
// when it was indexed before (nothing changed).
func (x *Index) Add(ctx context.Context, rec Record, a Analysis) (matches []Match, added bool, err error) {
	hs := capped(Hashes(a.Fingerprints), x.cfg.MaxFingerprints)
	rec.Reference = a.Reference
	if rec.Author == "" {
		rec.Author = "submission:" + rec.ID // compared with everyone
	}
	data, err := json.Marshal(rec)
	if err != nil {
		return nil, false, fmt.Errorf("index %s: %w", rec.ID, err)
	}
	keys := make([]string, 0, 3+len(hs))
	keys = append(keys, x.keys.record(rec.ID), x.keys.subs(rec.Challenge), x.keys.common(rec.Challenge))
	args := make([]any, 0, 7+len(hs))
	args = append(args, rec.ID, data, rec.Author, x.cfg.Threshold, x.cfg.MaxPostings, x.cfg.MinFingerprints, x.keys.similarPrefix())
	for _, h := range hs {
		keys = append(keys, x.keys.posting(rec.Challenge, h))
		args = append(args, strconv.FormatUint(h, 16))
	}
	res, err := x.script.Run(ctx, x.cfg.Redis, keys, args...).Slice()
	if err != nil {
		return nil, false, fmt.Errorf("index %s: %w", rec.ID, err)
	}
	if len(res) < 2 || res[0] == int64(0) {
		return nil, false, nil
	}
	for i := 2; i+1 < len(res); i += 2 {
		id, _ := res[i].(string)
		s, _ := res[i+1].(string)
		score, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, false, fmt.Errorf("index %s: score %q: %w", rec.ID, s, err)
		}
		matches = append(matches, Match{ID: id, Score: score})
	}
	return matches, true, nil
}

// capped returns at most n hashes of hs: the smallest, so that two copies
// of a large file keep the same sample.
func capped(hs HashSet, n int) []uint64 {
	out := make([]uint64, 0, len(hs))
	for h := range hs {
		out = append(out, h)
	}
	slices.Sort(out)
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// Record returns a submission's record; ok is false when it is not
// indexed (yet, or never: a Run, staff's own).
func (x *Index) Record(ctx context.Context, id string) (rec Record, ok bool, err error) {
	data, err := x.cfg.Redis.Get(ctx, x.keys.record(id)).Bytes()
	if errors.Is(err, goredis.Nil) {
		return rec, false, nil
	}
	if err != nil {
		return rec, false, fmt.Errorf("similarity record %s: %w", id, err)
	}
	if err := json.Unmarshal(data, &rec); err != nil {
		return rec, false, fmt.Errorf("similarity record %s: %w", id, err)
	}
	return rec, true, nil
}

// Records returns the records of ids that are indexed, by id, in one call.
func (x *Index) Records(ctx context.Context, ids []string) (map[string]Record, error) {
	out := make(map[string]Record, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = x.keys.record(id)
	}
	vals, err := x.cfg.Redis.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, fmt.Errorf("similarity records: %w", err)
	}
	for i, v := range vals {
		s, ok := v.(string)
		if !ok {
			continue
		}
		var rec Record
		if err := json.Unmarshal([]byte(s), &rec); err != nil {
			return nil, fmt.Errorf("similarity record %s: %w", ids[i], err)
		}
		out[ids[i]] = rec
	}
	return out, nil
}

// Similar lists the submissions paired with id, highest score first.
func (x *Index) Similar(ctx context.Context, id string) ([]Match, error) {
	zs, err := x.cfg.Redis.ZRevRangeWithScores(ctx, x.keys.similar(id), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("similar to %s: %w", id, err)
	}
	out := make([]Match, 0, len(zs))
	for _, z := range zs {
		m, _ := z.Member.(string)
		out = append(out, Match{ID: m, Score: z.Score})
	}
	return out, nil
}

// SimilarAll is Similar for many submissions in one round trip.
func (x *Index) SimilarAll(ctx context.Context, ids []string) (map[string][]Match, error) {
	out := make(map[string][]Match, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	cmds, err := x.cfg.Redis.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for _, id := range ids {
			p.ZRevRangeWithScores(ctx, x.keys.similar(id), 0, -1)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("similar to %d submissions: %w", len(ids), err)
	}
	for i, c := range cmds {
		for _, z := range c.(*goredis.ZSliceCmd).Val() {
			m, _ := z.Member.(string)
			out[ids[i]] = append(out[ids[i]], Match{ID: m, Score: z.Score})
		}
	}
	return out, nil
}
