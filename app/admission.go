package app

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"assay/access"
	"assay/runner"
)

// RateLimit bounds how many events (submissions, Runs, draft saves) one
// candidate makes in a window. The zero value means no limit.
type RateLimit struct {
	N   int
	Per time.Duration
}

func (r RateLimit) String() string {
	if r.N <= 0 {
		return "off"
	}
	return fmt.Sprintf("%d/%s", r.N, r.Per)
}

// ParseRateLimit reads "N/DURATION" (10/1m: ten per minute), or "0" or
// "off" for no limit.
func ParseRateLimit(s string) (RateLimit, error) {
	if s == "0" || s == "off" || s == "" {
		return RateLimit{}, nil
	}
	n, d, ok := strings.Cut(s, "/")
	count, err := strconv.Atoi(n)
	if !ok || err != nil || count < 1 {
		return RateLimit{}, fmt.Errorf("%q is not N/DURATION (10/1m) or off", s)
	}
	per, err := time.ParseDuration(d)
	if err != nil || per < time.Second {
		return RateLimit{}, fmt.Errorf("%q: the window must be a duration of at least 1s", s)
	}
	return RateLimit{N: count, Per: per}, nil
}

// Allow counts one event of who's in rl's current window: RateLimited,
// naming what is limited and with RetryAfter the rest of the window
// (whole seconds, at least 1), past the limit; Unavailable when the
// limiter's store fails.
func Allow(ctx context.Context, lim Limiter, who string, rl RateLimit, what string, now time.Time) error {
	ok, retry, err := lim.Allow(ctx, who, rl.N, rl.Per, now)
	if err != nil {
		return StoreFailed(err)
	}
	if !ok {
		secs := max(1, int(retry.Round(time.Second)/time.Second))
		return Errorf(RateLimited, "too many %s: at most %d per %s; try again in %ds", what, rl.N, rl.Per, secs).Retry(time.Duration(secs) * time.Second)
	}
	return nil
}

// WorkOpen says whether the invitation accepts work now (submissions,
// Runs, drafts, recordings): Forbidden before a timed session's Start,
// after its time or after the deadline.
func WorkOpen(inv *access.Invitation, now time.Time) error {
	switch {
	case inv.WaitsForStart():
		return Errorf(Forbidden, "your timed session has not started: press Start on your page (the clock starts then)")
	case inv.TimeIsOver(now):
		return Errorf(Forbidden, "your time is over (it ended at %s); no more submissions are accepted", inv.Ends().UTC().Format(time.RFC3339))
	case inv.Expired(now):
		return Errorf(Forbidden, "your invitation expired at %s; no more submissions are accepted", inv.Ends().UTC().Format(time.RFC3339))
	}
	return nil
}

// CheckEntry checks the files of a submission or a draft: exactly the
// challenge's entry files (Invalid otherwise), each file and the scratch
// file at most maxFileBytes (TooLarge) and valid UTF-8 (Invalid).
func CheckEntry(entry []string, files map[string]string, scratch string, maxFileBytes int) error {
	if err := runner.CheckFiles(entry, files); err != nil {
		return Errorf(Invalid, "%s", err)
	}
	names := make([]string, 0, len(files)+1)
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	all := files
	if scratch != "" {
		all = make(map[string]string, len(files)+1)
		for k, v := range files {
			all[k] = v
		}
		names, all[runner.ScratchPath] = append(names, runner.ScratchPath), scratch
	}
	for _, name := range names {
		body := all[name]
		if len(body) > maxFileBytes {
			return Errorf(TooLarge, "file %s is %d bytes; the limit is %d", name, len(body), maxFileBytes)
		}
		if !utf8.ValidString(body) {
			return Errorf(Invalid, "file %s is not valid UTF-8", name)
		}
	}
	return nil
}
