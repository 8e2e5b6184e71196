package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"assay/api/wire"
	"assay/internal/wait"
	"assay/runner"
)

// CreateRegrade asks for a regrade (POST /api/v1/regrades, the admin's)
// and returns the server's 202 answer: the regrade, its versions and
// counts.
func (c *Client) CreateRegrade(ctx context.Context, nr wire.NewRegrade) (wire.RegradeView, error) {
	body, err := json.Marshal(nr)
	if err != nil {
		return wire.RegradeView{}, fmt.Errorf("encode the regrade: %w", err)
	}
	_, answer, err := c.call(ctx, http.MethodPost, "/api/v1/regrades", body, map[string]string{"Content-Type": "application/json"}, http.StatusAccepted)
	if err != nil {
		return wire.RegradeView{}, fmt.Errorf("regrade: %w", err)
	}
	var rv wire.RegradeView
	if err := json.Unmarshal(answer, &rv); err != nil || rv.ID == "" {
		return wire.RegradeView{}, fmt.Errorf("regrade: the server's 202 answer has no regrade id (%v)", err)
	}
	return rv, nil
}

// Regrade reads regrade id's progress and the page of its items from
// offset, at most limit of them (GET /api/v1/regrades/{id}; the server
// gives at most 1000).
func (c *Client) Regrade(ctx context.Context, id string, offset, limit int) (wire.RegradeView, error) {
	var rv wire.RegradeView
	path := fmt.Sprintf("/api/v1/regrades/%s?offset=%d&limit=%d", url.PathEscape(id), offset, limit)
	_, err := c.getJSON(ctx, path, &rv)
	return rv, err
}

// RegradeItems reads regrade id with every one of its items, page after
// page of up to pageSize.
func (c *Client) RegradeItems(ctx context.Context, id string, pageSize int) (wire.RegradeView, error) {
	var rv wire.RegradeView
	var items []runner.RegradeItem
	for offset := 0; ; {
		page, err := c.Regrade(ctx, id, offset, pageSize)
		if err != nil {
			return wire.RegradeView{}, fmt.Errorf("regrade %s: %w", id, err)
		}
		rv = page // the latest progress
		items = append(items, page.Items...)
		offset += len(page.Items)
		if len(page.Items) == 0 || offset >= page.ItemsTotal {
			break
		}
	}
	rv.Items = items
	return rv, nil
}

// WaitRegrade reads regrade id's progress every so often until it
// completes, telling onView (if not nil) of each reading. It returns the
// last view it read (nil before the first) and an error if the wait ended
// first. A busy or unavailable server, or a proxy's gateway error, is asked
// again, up to 5 times in a row, after telling onRetry (if not nil) why and
// how long it waits; a refusal (401, 403, 404...) is returned at once.
func (c *Client) WaitRegrade(ctx context.Context, id string, every time.Duration, onView func(wire.RegradeView), onRetry func(err error, pause time.Duration)) (*wire.RegradeView, error) {
	var last *wire.RegradeView
	failures := 0
	for {
		rv, err := c.Regrade(ctx, id, 0, 1) // progress, not items
		pause := every
		var e *Error
		switch {
		case err == nil:
			failures, last = 0, &rv
			if onView != nil {
				onView(rv)
			}
			if rv.Progress.Completed {
				return last, nil
			}
		case ctx.Err() != nil:
			return last, err
		case errors.As(err, &e) && !e.Busy() && e.Status != http.StatusBadGateway && e.Status != http.StatusGatewayTimeout:
			return last, err // a refusal does not get better
		default:
			if failures++; failures > maxTransient {
				return last, fmt.Errorf("giving up after %d failures in a row: %w", failures, err)
			}
			pause = pauseAfter(err, every)
			if onRetry != nil {
				onRetry(err, pause)
			}
		}
		if err := wait.Sleep(ctx, pause); err != nil {
			return last, err
		}
	}
}

// Regrades lists every regrade, oldest first, without items (GET
// /api/v1/regrades), and returns the answer's JSON as sent too.
func (c *Client) Regrades(ctx context.Context) (wire.RegradeList, []byte, error) {
	var list wire.RegradeList
	raw, err := c.getJSON(ctx, "/api/v1/regrades", &list)
	if err != nil {
		return wire.RegradeList{}, nil, fmt.Errorf("list regrades: %w", err)
	}
	return list, raw, nil
}
