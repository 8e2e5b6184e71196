package redis

// The Lua scripts run atomically in Redis: no other command runs between
// their steps, which is what makes check-then-write safe here.
//
// Each starts with the "#!lua" shebang so that Redis (7.0+) checks for
// out-of-memory before running it rather than failing at the first write
// halfway through: a script either runs all its writes or none.

// createLua stores a submission and enqueues it, unless the id is taken,
// the request's idempotency key was seen before, or (for a candidate's
// submission) the invitation's attempts at the challenge are used up.
//
//	KEYS: submission, state, queue (the submission's lane), idempotency key
//	      ('' key name when none), the invitation's attempts hash ('' when
//	      the submission has no invitation, or is a Run: not an attempt),
//	      the invitation's submissions or Runs list ('' when none), the
//	      challenge's submissions list ('' for a Run)
//	ARGV: submission JSON, id, status "queued", idempotency record
//	      ("<fingerprint> <id>"), its time to live in seconds, challenge,
//	      attempt limit (0: none)
//	returns {1} if created, {0} if the id exists,
//	        {2, record} if the idempotency key already names a submission,
//	        {3} if no attempt is left
const createLua = `#!lua
if KEYS[4] ~= '' then
	local prev = redis.call('GET', KEYS[4])
	if prev then
		return {2, prev}
	end
end
if redis.call('EXISTS', KEYS[1]) == 1 then
	return {0}
end
if KEYS[5] ~= '' then
	local limit = tonumber(ARGV[7])
	local used = tonumber(redis.call('HGET', KEYS[5], ARGV[6]) or '0')
	if limit > 0 and used >= limit then
		return {3}
	end
	redis.call('HINCRBY', KEYS[5], ARGV[6], 1)
end
if KEYS[6] ~= '' then
	redis.call('RPUSH', KEYS[6], ARGV[2])
end
redis.call('XADD', KEYS[3], '*', 'id', ARGV[2])
if KEYS[7] ~= '' then
	redis.call('RPUSH', KEYS[7], ARGV[2])
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], 'status', ARGV[3])
if KEYS[4] ~= '' then
	redis.call('SET', KEYS[4], ARGV[4], 'EX', ARGV[5])
end
return {1}
`

// markRunningLua records that a worker started a submission and tells the
// waiters. A submission that already has a result stays done: a late or
// repeated run must not make a finished submission look running again.
//
//	KEYS: submission, state, result
//	ARGV: worker, started_at, events channel, status "running"
//	returns 1 if marked, 0 if already done, -1 if there is no such submission
const markRunningLua = `#!lua
if redis.call('EXISTS', KEYS[1]) == 0 then
	return -1
end
if redis.call('EXISTS', KEYS[3]) == 1 then
	return 0
end
redis.call('HSET', KEYS[2], 'status', ARGV[4], 'worker', ARGV[1], 'started_at', ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
`

// saveResultLua writes a result once (SET NX), marks the submission done
// with the worker and start time of the run that counts, and tells the
// waiters. A second call changes nothing.
//
// It also adds the submission to the notify stream, for webhooks: in the
// same step as the result, so no finished submission goes unannounced.
//
// A regrade's copy is not announced (its webhooks would tell a hiring
// team's tools about a candidate's old work as if it were new); instead its
// regrade's progress is counted in the same step. Nor is a Run (not an
// attempt: an empty notify stream key).
//
// The same submissions go on the similarity queue (package similarity
// compares them with the cohort's), in the same step, so none is missed.
//
//	KEYS: submission, state, result, dead-letter list, notify stream ('' for a Run),
//	      the regrade's progress hash and outcomes hash ('' when not a regrade copy),
//	      the similarity queue ('' for a Run)
//	ARGV: result JSON, worker, started_at ('' if unknown), events channel, status "done",
//	      "1" if the job was given up on (its id goes on the dead-letter list), id,
//	      verdict, the original's verdict, "passed total"
//	returns 1 if saved, 0 if a result was already saved, -1 if there is no such submission
const saveResultLua = `#!lua
if redis.call('EXISTS', KEYS[1]) == 0 then
	return -1
end
if not redis.call('SET', KEYS[3], ARGV[1], 'NX') then
	return 0
end
redis.call('HSET', KEYS[2], 'status', ARGV[5])
if ARGV[2] ~= '' then
	redis.call('HSET', KEYS[2], 'worker', ARGV[2])
end
if ARGV[3] ~= '' then
	redis.call('HSET', KEYS[2], 'started_at', ARGV[3])
end
if ARGV[6] == '1' then
	redis.call('RPUSH', KEYS[4], ARGV[7])
end
if KEYS[6] == '' then
	if KEYS[5] ~= '' then
		redis.call('XADD', KEYS[5], 'MAXLEN', '~', '100000', '*', 'id', ARGV[7])
	end
	if KEYS[8] ~= '' then
		redis.call('XADD', KEYS[8], '*', 'id', ARGV[7])
	end
else
	redis.call('HINCRBY', KEYS[6], 'done', 1)
	redis.call('HINCRBY', KEYS[6], 'verdict:' .. ARGV[8], 1)
	if ARGV[8] ~= ARGV[9] then
		redis.call('HINCRBY', KEYS[6], 'changed', 1)
	end
	redis.call('HSET', KEYS[7], ARGV[7], ARGV[8] .. ' ' .. ARGV[10])
end
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
`

// attachReferenceLua adds the reference's timing run to a recorded result
// that has none, as its "reference" member: the stored JSON is kept byte
// for byte and the member spliced in before its closing brace (decoding
// and encoding it again in Lua would change numbers and empty arrays).
// Nothing is written when there is no result (it is never created here)
// or the result already has a "reference" member. Nothing is published:
// the candidate's event stream must not tell when the timing run ended.
//
//	KEYS: result
//	ARGV: the timing's JSON
//	returns 1 if attached, 0 if there is no result or it has a reference
const attachReferenceLua = `#!lua
local stored = redis.call('GET', KEYS[1])
if not stored then
	return 0
end
local ok, r = pcall(cjson.decode, stored)
if not ok or type(r) ~= 'table' or not string.find(stored, '^%s*{') then
	return redis.error_reply('the stored result is not a JSON object')
end
if r['reference'] ~= nil then
	return 0
end
local n = #stored
while n > 0 and string.find(string.sub(stored, n, n), '^%s$') do
	n = n - 1
end
if string.sub(stored, n, n) ~= '}' then
	return redis.error_reply('the stored result is not a JSON object')
end
local body = string.sub(stored, 1, n - 1)
local sep = ','
if next(r) == nil then
	sep = ''
end
redis.call('SET', KEYS[1], body .. sep .. '"reference":' .. ARGV[1] .. '}', 'KEEPTTL')
return 1
`

// extendLua renews a worker's claim on a stream entry by re-claiming it
// for the same consumer with min-idle 0, which resets its idle time. It
// first checks that the worker still owns the entry: a plain XCLAIM would
// take the entry back from a worker that rightly took it over after the
// lease ran out, and two workers would then think they own it.
//
//	KEYS: queue
//	ARGV: group, worker, entry id
//	returns 1 if renewed, 0 if the entry is no longer pending, -1 if another worker owns it
const extendLua = `#!lua
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
if #p == 0 then
	return 0
end
if p[1][2] ~= ARGV[2] then
	return -1
end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
return 1
`

// claimSessionLua takes an ended session off the list, if its listed end is
// at or before now (a session given more time meanwhile stays).
//
//	KEYS: the sessions' ends
//	ARGV: invitation id, now (unix ms)
//	returns 1 if this caller took it, 0 otherwise
const claimSessionLua = `#!lua
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) > tonumber(ARGV[2]) then
	return 0
end
return redis.call('ZREM', KEYS[1], ARGV[1])
`

// saveDraftLua stores a draft as the latest and appends it to its history,
// then drops the oldest saves while the history holds more than the
// number or the bytes allowed (the newest always stays).
//
//	KEYS: latest, history list, history's byte count
//	ARGV: draft JSON, most saves, most bytes
const saveDraftLua = `#!lua
redis.call('SET', KEYS[1], ARGV[1])
redis.call('RPUSH', KEYS[2], ARGV[1])
local bytes = redis.call('INCRBY', KEYS[3], #ARGV[1])
local n = redis.call('LLEN', KEYS[2])
while n > 1 and (n > tonumber(ARGV[2]) or bytes > tonumber(ARGV[3])) do
	local old = redis.call('LPOP', KEYS[2])
	bytes = redis.call('DECRBY', KEYS[3], #old)
	n = n - 1
end
return n
`
