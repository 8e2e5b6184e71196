// Package app holds Assay's use cases: what the API does on behalf of a
// caller (admitting and creating a submission; regrades; reports, scores
// and cohorts; assessments, invitations and interviewers; staff's review;
// timed sessions, drafts and recordings; webhook deliveries; publishing;
// similarity), apart from how requests arrive.
//
// It knows nothing of HTTP: no gin, no net/http, no statuses. A use case
// takes a context, the caller's principal and plain inputs, and returns
// plain results or an *Error whose Kind says what went wrong (Invalid,
// NotFound, Forbidden, Conflict, RateLimited, Unavailable...); package
// api maps kinds to statuses in one place. The stores a use case needs
// are ports, small interfaces declared here and satisfied by the existing
// stores (runner/redis, challenges); package api wires them.
//
// Dependencies point one way: api -> app -> runner, access, review,
// challenges, similarity.
package app
