package runner

import "time"

// Observer is told what the worker does, for metrics. Its methods must be
// cheap and must not block: they are called on the job path.
type Observer interface {
	// JobStarted and JobEnded bracket every job a worker takes, whatever
	// becomes of it.
	JobStarted()
	JobEnded()
	// Recorded is called once per result this worker recorded.
	Recorded(challenge string, verdict Verdict, run time.Duration)
	// Reclaimed is called for a job delivered again after an earlier
	// delivery did not finish (a worker died or the system failed).
	Reclaimed()
	// DeadLettered is called when a job is given up on after MaxAttempts.
	DeadLettered()
}

type nopObserver struct{}

func (nopObserver) JobStarted()                             {}
func (nopObserver) JobEnded()                               {}
func (nopObserver) Recorded(string, Verdict, time.Duration) {}
func (nopObserver) Reclaimed()                              {}
func (nopObserver) DeadLettered()                           {}
