package api

import "assay/api/wire"

// The bodies this API shares with its clients are defined in package
// wire, which the Go client and the command line import without the
// server; these are their names here.
type (
	SubmissionRequest  = wire.SubmissionRequest
	SubmissionAccepted = wire.SubmissionAccepted
	FullState          = wire.FullState
	CandidateState     = wire.CandidateState
	CandidateResult    = wire.CandidateResult
	HiddenCounts       = wire.HiddenCounts
	NewRegrade         = wire.NewRegrade
	RegradeView        = wire.RegradeView
	RegradeList        = wire.RegradeList
	CheckView          = wire.CheckView
	RuntimeCheckView   = wire.RuntimeCheckView
	SolutionCheck      = wire.SolutionCheck
	Published          = wire.Published
	PublishRefused     = wire.PublishRefused

	errorBody = wire.ErrorBody
)

// The two views of a submission's state, named by their "view" field.
const (
	ViewFull      = wire.ViewFull
	ViewCandidate = wire.ViewCandidate
)
