package app_test

import (
	"context"
	"testing"

	"assay/app"
	"assay/runner"
)

type deliveryLog struct {
	byID map[string][]runner.Delivery
	err  error
}

func (d *deliveryLog) Deliveries(_ context.Context, id string) ([]runner.Delivery, error) {
	return d.byID[id], d.err
}

func TestDeliveries(t *testing.T) {
	const other = "0b9d2c1e-7a4f-4b7e-8c21-3d5e6f708192"
	subs := &store{states: map[string]runner.State{subID: {Submission: runner.Submission{ID: subID}}, other: {Submission: runner.Submission{ID: other}}}}
	log := &deliveryLog{byID: map[string][]runner.Delivery{subID: {{SubmissionID: subID, Attempt: 1, Status: 500}, {SubmissionID: subID, Attempt: 2, Delivered: true}}}}
	u := &app.Deliveries{Submissions: subs, Store: log}
	ctx := context.Background()
	ds, err := u.List(ctx, subID)
	if err != nil || len(ds) != 2 || !ds[1].Delivered {
		t.Fatalf("List = %+v, %v", ds, err)
	}
	// None yet, or no webhooks on this server: an empty list, not null.
	if ds, err := u.List(ctx, other); err != nil || ds == nil || len(ds) != 0 {
		t.Fatalf("no deliveries: %#v, %v", ds, err)
	}
	u.Store = nil
	if ds, err := u.List(ctx, subID); err != nil || ds == nil || len(ds) != 0 {
		t.Fatalf("no store of deliveries: %#v, %v", ds, err)
	}

	_, err = u.List(ctx, "not-a-uuid")
	wantKind(t, err, app.NotFound, `submission "not-a-uuid" not found`)
	_, err = u.List(ctx, "6f1c0a52-0000-4c4e-9a53-2f0d8a3e5b10")
	wantKind(t, err, app.NotFound, "not found")
	u.Store, log.err = log, errDown
	_, err = u.List(ctx, subID)
	wantKind(t, err, app.Unavailable, "")
	subs.err = errDown
	_, err = u.List(ctx, subID)
	wantKind(t, err, app.Unavailable, "")
}
