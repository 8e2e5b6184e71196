package redis

// Every key and channel the broker uses, with {prefix} from Config.Prefix
// (default "assay") and {id} a submission id:
//
//	key / channel               type     holds
//	{prefix}:queue              stream   one entry per queued delivery; field "id" = submission id.
//	                                     Consumer group "workers"; consumers are worker names.
//	                                     An entry stays (pending, owned by one worker) until Ack,
//	                                     which XACKs and XDELs it, so XLEN = jobs not yet acked.
//	{prefix}:submission:{id}    string   JSON of runner.Submission; written once by Create.
//	{prefix}:state:{id}         hash     status (queued|running|done), worker, started_at
//	                                     (RFC 3339, UTC); written by Create, MarkRunning, SaveResult.
//	{prefix}:result:{id}        string   JSON of runner.Result; written once (SET NX) by SaveResult.
//	{prefix}:deadletter         list     the id of each submission given up on
//	                                     after too many attempts (its result says internal_error).
//	{prefix}:idempotency:{key}  string   "<sha256 of the request> <submission id>" for a POST sent
//	                                     with an Idempotency-Key; expires after IdempotencyTTL.
//	{prefix}:events:{id}        channel  pub/sub, not a key: the new status ("running" or "done")
//	                                     is published when MarkRunning or SaveResult changes it.
//
// Nothing else expires: records are kept until an operator removes them.

// group is the one consumer group on the queue stream: all workers share it,
// so each entry goes to exactly one worker at a time.
const group = "workers"

// Field names of the queue entries and the state hash.
const (
	fieldID        = "id"
	fieldStatus    = "status"
	fieldWorker    = "worker"
	fieldStartedAt = "started_at"
)

// keys builds key names under one prefix.
type keys struct{ prefix string }

func (k keys) queue() string               { return k.prefix + ":queue" }
func (k keys) submission(id string) string { return k.prefix + ":submission:" + id }
func (k keys) state(id string) string      { return k.prefix + ":state:" + id }
func (k keys) result(id string) string     { return k.prefix + ":result:" + id }
func (k keys) events(id string) string     { return k.prefix + ":events:" + id }
func (k keys) deadLetter() string          { return k.prefix + ":deadletter" }
func (k keys) idempotency(key string) string {
	return k.prefix + ":idempotency:" + key
}
