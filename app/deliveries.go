package app

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"assay/runner"
)

// DeliveryStore lists a submission's webhook delivery attempts.
type DeliveryStore interface {
	Deliveries(ctx context.Context, id string) ([]runner.Delivery, error)
}

// Deliveries is the use case of staff's look at webhooks: every attempt
// to announce a submission's result.
type Deliveries struct {
	Submissions SubmissionReader
	// Store nil: this server announces nothing, so every list is empty.
	Store DeliveryStore
}

// List is a submission's delivery attempts, oldest first (never nil, so
// it is an empty list in JSON). Errors: NotFound (the submission),
// Unavailable.
func (u *Deliveries) List(ctx context.Context, id string) ([]runner.Delivery, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, Errorf(NotFound, "submission %q not found", id)
	}
	if _, err := u.Submissions.Get(ctx, id); err != nil {
		return nil, StoreFailed(fmt.Errorf("get submission: %w", err))
	}
	out := []runner.Delivery{}
	if u.Store != nil {
		ds, err := u.Store.Deliveries(ctx, id)
		if err != nil {
			return nil, StoreFailed(err)
		}
		out = append(out, ds...)
	}
	return out, nil
}
