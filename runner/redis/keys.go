package redis

import (
	"strconv"

	"assay/runner"
)

// Every key and channel the broker uses, with {prefix} from Config.Prefix
// (default "assay") and {id} a submission id:
//
//	key / channel               type     holds
//	{prefix}:queue              stream   one entry per queued delivery; field "id" = submission id.
//	                                     Consumer group "workers"; consumers are worker names.
//	                                     An entry stays (pending, owned by one worker) until Ack,
//	                                     which XACKs and XDELs it, so XLEN = jobs not yet acked.
//	{prefix}:queue:run          stream   the same for Runs (lane "run", same group): workers take
//	                                     from it only when {prefix}:queue has nothing for them.
//	{prefix}:queue:regrade      stream   the same for the copies a regrade makes (lane "regrade",
//	                                     same group): workers take from it only when the lanes
//	                                     above have nothing for them.
//	{prefix}:submission:{id}    string   JSON of runner.Submission; written once by Create.
//	{prefix}:state:{id}         hash     status (queued|running|done), worker, started_at
//	                                     (RFC 3339, UTC); written by Create, MarkRunning, SaveResult.
//	{prefix}:result:{id}        string   JSON of runner.Result; written once (SET NX) by SaveResult;
//	                                     its "reference" (the reference's timing run) added at most
//	                                     once afterwards by AttachReference, nothing else changed.
//	{prefix}:deadletter         list     the id of each submission given up on
//	                                     after too many attempts (its result says internal_error).
//	{prefix}:idempotency:{key}  string   "<sha256 of the request> <submission id>" for a POST sent
//	                                     with an Idempotency-Key; expires after IdempotencyTTL.
//	{prefix}:notify             stream   one entry per recorded result (field "id"), added by
//	                                     SaveResult; consumer group "notifiers" delivers webhooks.
//	                                     Capped at about 100000 entries.
//	{prefix}:similarity:queue   stream   one entry per recorded submission (not a Run nor a regrade
//	                                     copy), added by SaveResult; consumer group "similarity"
//	                                     indexes it (package similarity, whose index.go lists the
//	                                     index's own keys, all under {prefix}:similarity:).
//	{prefix}:deliveries:{id}    list     JSON of each webhook delivery attempt for a submission
//	                                     (the last 100).
//	{prefix}:delivered:{id}:{t} string   set once when the webhook target t (a hash of its URL)
//	                                     accepted the submission's event.
//	{prefix}:events:{id}        channel  pub/sub, not a key: the new status ("running" or "done")
//	                                     is published when MarkRunning or SaveResult changes it.
//
// Access (accounts.go; and sessions.go, drafts.go, edits.go, review.go,
// ratelimit.go for what hangs off an invitation); {hash} is the hex
// SHA-256 of a token, which is itself never stored:
//
//	{prefix}:token:{hash}                     string  "interviewer:{id}" or "invitation:{id}": whom a
//	                                                  bearer token names. Deleted to revoke it.
//	{prefix}:interviewer:{id}                 string  JSON of access.Interviewer and its token hash.
//	{prefix}:interviewers                     list    interviewer ids, in the order of creation.
//	{prefix}:assessment:{id}                  string  JSON of access.Assessment.
//	{prefix}:assessments                      list    assessment ids, in the order of creation.
//	{prefix}:assessment:{id}:invitations      list    the assessment's invitation ids, in the order of creation.
//	{prefix}:invitation:{id}                  string  JSON of access.Invitation and its token hash.
//	{prefix}:invitation:{id}:attempts         hash    challenge slug -> submissions made; checked
//	                                                  against the attempt limit and incremented by
//	                                                  Create's script, atomically with the enqueue.
//	{prefix}:invitation:{id}:submissions      list    the invitation's submission ids, oldest first
//	                                                  (pushed by the same script).
//	{prefix}:invitation:{id}:runs             list    the invitation's Runs' ids, oldest first (the
//	                                                  same script; a Run is not an attempt).
//	{prefix}:submission:{id}:notes            list    JSON of review.Note: staff's notes on a submission,
//	                                                  oldest first (at most review.MaxNotes).
//	{prefix}:edits:{invitation}:{slug}       list    JSON of review.Event: what the candidate's editor recorded
//	                                                  (open, edit, blur, focus) and the server's markers
//	                                                  (submit, run), oldest first; (+ :sessions hash: events
//	                                                  stored per page session, for retries; :bytes counter,
//	                                                  at most MaxEditBytes; :full set once it filled up).
//	{prefix}:invitation:{id}:decisions        list    JSON of review.Decision: decisions about a candidate,
//	                                                  oldest first, the last one standing (the last 100).
//	{prefix}:sessions:ends                    zset    started timed sessions by end time (unix ms):
//	                                                  the ones due to be closed (their latest drafts
//	                                                  submitted); a closer takes each off once.
//	{prefix}:draft:{id}:{slug}                string  JSON of runner.Draft: the invitation's latest draft
//	                                                  of the challenge (SaveDraft).
//	{prefix}:draft:{id}:{slug}:history        list    every save of that draft, oldest first (the last
//	                                                  runner.MaxDraftHistory, at most
//	                                                  runner.MaxDraftHistoryBytes; :bytes counts them).
//	{prefix}:ratelimit:{who}:{window}         string  submissions by one principal in one fixed window;
//	                                                  expires with the window (Allow).
//
// Challenge versions (challenges.go); {slug} a challenge, {version} its
// content hash:
//
//	{prefix}:challenge:{slug}:version:{version}  string  JSON of runner.ChallengeVersion with its
//	                                                     files (expected.json included); written once.
//	{prefix}:challenge:{slug}:versions           hash    version -> JSON of the same without files,
//	                                                     written with the record (one script).
//	{prefix}:challenge:{slug}:publications       list    JSON of runner.Publication each time a version
//	                                                     was made current over the API, oldest first.
//	{prefix}:challenges:published                hash    slug -> the current published version.
//	{prefix}:challenges:revision                 string  counter, INCR'd with every publication; API
//	                                                     processes poll it to refresh their catalog.
//
// Regrades (regrade.go); {rid} a regrade id:
//
//	{prefix}:challenge:{slug}:submissions  list    ids of the challenge's submissions (not regrade
//	                                              copies), oldest first; pushed by Create's script.
//	{prefix}:migrated:challenge-index      string  "done" once older submissions were added to
//	                                              those lists (IndexChallengeSubmissions).
//	{prefix}:regrade:{rid}                 string  JSON of runner.Regrade; written once, first.
//	{prefix}:regrades                      list    regrade ids, in the order of creation.
//	{prefix}:regrade:{rid}:items           list    JSON of runner.RegradeItem (without the new
//	                                              verdict), in the order queued.
//	{prefix}:regrade:{rid}:progress        hash    queued (copies written), done, changed,
//	                                              verdict:{v} (results per verdict); the last
//	                                              three counted by SaveResult's script.
//	{prefix}:regrade:{rid}:outcomes        hash    copy id -> "verdict passed total"; by SaveResult.
//	{prefix}:regrades:of:{id}              list    ids of the regrade copies of submission {id}.
//
// Nothing else expires: records are kept until an operator removes them.

// group is the one consumer group on the queue stream: all workers share it,
// so each entry goes to exactly one worker at a time.
const group = "workers"

// lanes lists the queue's lanes in the order workers serve them.
func lanes() [3]string { return [3]string{runner.LaneLive, runner.LaneRun, runner.LaneRegrade} }

// Field names of the queue entries and the state hash.
const (
	fieldID        = "id"
	fieldStatus    = "status"
	fieldWorker    = "worker"
	fieldStartedAt = "started_at"
)

// keys builds key names under one prefix.
type keys struct{ prefix string }

func (k keys) queue() string { return k.prefix + ":queue" }
func (k keys) lane(lane string) string {
	if lane == runner.LaneLive {
		return k.queue()
	}
	return k.prefix + ":queue:" + lane
}
func (k keys) submission(id string) string { return k.prefix + ":submission:" + id }
func (k keys) invitationRuns(id string) string {
	return k.prefix + ":invitation:" + id + ":runs"
}
func (k keys) sessionEnds() string { return k.prefix + ":sessions:ends" }
func (k keys) draft(invitation, challenge string) string {
	return k.prefix + ":draft:" + invitation + ":" + challenge
}
func (k keys) draftHistory(invitation, challenge string) string {
	return k.draft(invitation, challenge) + ":history"
}
func (k keys) state(id string) string      { return k.prefix + ":state:" + id }
func (k keys) result(id string) string     { return k.prefix + ":result:" + id }
func (k keys) events(id string) string     { return k.prefix + ":events:" + id }
func (k keys) deadLetter() string          { return k.prefix + ":deadletter" }
func (k keys) notify() string              { return k.prefix + ":notify" }
func (k keys) deliveries(id string) string { return k.prefix + ":deliveries:" + id }
func (k keys) similarityQueue() string     { return k.prefix + ":similarity:queue" }
func (k keys) delivered(id, target string) string {
	return k.prefix + ":delivered:" + id + ":" + target
}
func (k keys) idempotency(key string) string {
	return k.prefix + ":idempotency:" + key
}
func (k keys) token(hash string) string     { return k.prefix + ":token:" + hash }
func (k keys) interviewer(id string) string { return k.prefix + ":interviewer:" + id }
func (k keys) interviewers() string         { return k.prefix + ":interviewers" }
func (k keys) assessment(id string) string  { return k.prefix + ":assessment:" + id }
func (k keys) assessments() string          { return k.prefix + ":assessments" }
func (k keys) invitation(id string) string  { return k.prefix + ":invitation:" + id }
func (k keys) invitationAttempts(id string) string {
	return k.prefix + ":invitation:" + id + ":attempts"
}
func (k keys) invitationSubmissions(id string) string {
	return k.prefix + ":invitation:" + id + ":submissions"
}
func (k keys) assessmentInvitations(id string) string {
	return k.prefix + ":assessment:" + id + ":invitations"
}
func (k keys) rateLimit(who string, window int64) string {
	return k.prefix + ":ratelimit:" + who + ":" + strconv.FormatInt(window, 10)
}
func (k keys) challengeVersion(slug, version string) string {
	return k.prefix + ":challenge:" + slug + ":version:" + version
}
func (k keys) challengeVersions(slug string) string {
	return k.prefix + ":challenge:" + slug + ":versions"
}
func (k keys) challengePublications(slug string) string {
	return k.prefix + ":challenge:" + slug + ":publications"
}
func (k keys) challengeSubmissions(slug string) string {
	return k.prefix + ":challenge:" + slug + ":submissions"
}
func (k keys) notes(submission string) string {
	return k.prefix + ":submission:" + submission + ":notes"
}
func (k keys) edits(invitation, challenge string) string {
	return k.prefix + ":edits:" + invitation + ":" + challenge
}
func (k keys) decisions(invitation string) string {
	return k.prefix + ":invitation:" + invitation + ":decisions"
}
func (k keys) regrade(id string) string         { return k.prefix + ":regrade:" + id }
func (k keys) regrades() string                 { return k.prefix + ":regrades" }
func (k keys) regradeItems(id string) string    { return k.prefix + ":regrade:" + id + ":items" }
func (k keys) regradeProgress(id string) string { return k.prefix + ":regrade:" + id + ":progress" }
func (k keys) regradeOutcomes(id string) string { return k.prefix + ":regrade:" + id + ":outcomes" }
func (k keys) regradesOf(id string) string      { return k.prefix + ":regrades:of:" + id }
func (k keys) publishedChallenges() string      { return k.prefix + ":challenges:published" }
func (k keys) challengesRevision() string       { return k.prefix + ":challenges:revision" }
