package redis

// Recordings: what a candidate's editor records (edits, pastes, time
// away) and the server's markers, for staff's replay.

import (
	"context"
	"encoding/json"
	"fmt"

	"assay/review"
)

// Recordings keeps editor recordings: it implements api.Recordings.
type Recordings struct{ *shared }

// MaxEditBytes bounds what one candidate's editor recording of one
// challenge keeps: past it nothing more is recorded (review.ErrRecordingFull), and the
// replay says so.
const MaxEditBytes = 16 << 20

// RecordEdits appends a batch of a page session's recorded events. seq is
// the index of the batch's first event in that session: a batch sent
// again (a retry after a lost answer) stores only what is new. It returns
// how many of the session's events are stored in all.
func (b *Recordings) RecordEdits(ctx context.Context, invitation, challenge, session string, seq int, events []review.Event) (int, error) {
	args := make([]any, 0, 3+len(events))
	args = append(args, session, seq, MaxEditBytes)
	for _, e := range events {
		data, err := json.Marshal(e)
		if err != nil {
			return 0, fmt.Errorf("record edits: %w", err)
		}
		args = append(args, data)
	}
	k := b.keys.edits(invitation, challenge)
	reply, err := b.recordEditsScript.Run(ctx, b.rdb, []string{k, k + ":sessions", k + ":bytes"}, args...).Int64Slice()
	if err != nil {
		return 0, fmt.Errorf("record edits of %s/%s: %w", invitation, challenge, err)
	}
	switch reply[0] {
	case -1:
		return int(reply[1]), fmt.Errorf("session %s has %d events, the batch starts at %d: %w", session, reply[1], seq, review.ErrRecordingGap)
	case -2:
		return int(reply[1]), fmt.Errorf("%s/%s: %w", invitation, challenge, review.ErrRecordingFull)
	}
	return int(reply[1]), nil
}

// MarkEdits appends a marker of the server's (a submission or a Run) to
// the recording, so that a replay can be checked against what was sent.
func (b *Recordings) MarkEdits(ctx context.Context, invitation, challenge string, e review.Event) error {
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("mark edits: %w", err)
	}
	k := b.keys.edits(invitation, challenge)
	if err := b.rdb.RPush(ctx, k, data).Err(); err != nil {
		return fmt.Errorf("mark edits of %s/%s: %w", invitation, challenge, err)
	}
	return nil
}

// Edits returns a recording, oldest first, and whether it filled up.
func (b *Recordings) Edits(ctx context.Context, invitation, challenge string) ([]review.Event, bool, error) {
	k := b.keys.edits(invitation, challenge)
	events, err := listJSON[review.Event](ctx, b.rdb, k)
	if err != nil {
		return nil, false, err
	}
	full, err := b.rdb.Exists(ctx, k+":full").Result()
	if err != nil {
		return nil, false, fmt.Errorf("edits of %s/%s: %w", invitation, challenge, err)
	}
	return events, full == 1, nil
}

// recordEditsLua appends ARGV[4..] to KEYS[1] for the session ARGV[1]
// whose batch starts at ARGV[2], skipping what KEYS[2] says is stored,
// within ARGV[3] bytes (KEYS[3]). {stored now, session total}; {-1,
// total} for a gap; {-2, total} when full (and KEYS[1]:full is set).
const recordEditsLua = `
local have = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local seq = tonumber(ARGV[2])
if seq > have then return {-1, have} end
local first = 4 + (have - seq)
if first > #ARGV then return {0, have} end
local bytes = 0
for i = first, #ARGV do bytes = bytes + #ARGV[i] end
local total = tonumber(redis.call('GET', KEYS[3]) or '0')
if total + bytes > tonumber(ARGV[3]) then
  redis.call('SET', KEYS[1] .. ':full', '1')
  return {-2, have}
end
for i = first, #ARGV do redis.call('RPUSH', KEYS[1], ARGV[i]) end
redis.call('INCRBY', KEYS[3], bytes)
local n = have + (#ARGV - first + 1)
redis.call('HSET', KEYS[2], ARGV[1], n)
return {#ARGV - first + 1, n}`
