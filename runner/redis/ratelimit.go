package redis

// The rate limit: events per principal in fixed windows, one counter per
// window that expires with it.

import (
	"context"
	"fmt"
	"time"
)

// RateLimit counts events against a limit (Allow).
type RateLimit struct{ *shared }

// allowLua counts one event in a fixed window and reports whether it is
// within the limit.
//
//	KEYS: the window's counter
//	ARGV: limit, window length in ms
//	returns {count, ms until the window ends}
const allowLua = `#!lua
local n = redis.call('INCR', KEYS[1])
if n == 1 then
	redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return {n, redis.call('PTTL', KEYS[1])}
`

// Allow counts one event for who in the fixed window of length per that
// holds now, and reports whether it is within limit; when it is not,
// retry says how long until the window ends. Windows are aligned to
// multiples of per since the Unix epoch, so every API process agrees.
func (b *RateLimit) Allow(ctx context.Context, who string, limit int, per time.Duration, now time.Time) (ok bool, retry time.Duration, err error) {
	if limit <= 0 || per <= 0 {
		return true, 0, nil
	}
	window := now.UnixMilli() / per.Milliseconds()
	reply, err := b.rdb.Eval(ctx, allowLua, []string{b.keys.rateLimit(who, window)}, limit, per.Milliseconds()).Int64Slice()
	if err != nil {
		return false, 0, fmt.Errorf("rate limit %s: %w", who, err)
	}
	if reply[0] <= int64(limit) {
		return true, 0, nil
	}
	retry = time.Duration(reply[1]) * time.Millisecond
	if retry <= 0 {
		retry = time.Duration(per.Milliseconds()-now.UnixMilli()%per.Milliseconds()) * time.Millisecond
	}
	return false, retry, nil
}
