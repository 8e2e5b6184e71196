package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"assay/access"
	"assay/app"
	"assay/runner"
)

// workspace is an in-memory app.SessionStore and app.DraftStore.
type workspace struct {
	invitations map[string]access.Invitation
	drafts      map[string][]runner.Draft // "inv/slug" -> saves
	err         error
}

func (w *workspace) Invitation(ctx context.Context, id string) (access.Invitation, error) {
	if w.err != nil {
		return access.Invitation{}, w.err
	}
	return invitationMap(w.invitations).Invitation(ctx, id)
}

func (w *workspace) StartInvitation(_ context.Context, id string, at time.Time) (access.Invitation, error) {
	if w.err != nil {
		return access.Invitation{}, w.err
	}
	inv := w.invitations[id]
	if inv.StartedAt != nil {
		return inv, fmt.Errorf("start %s: %w", id, access.ErrAlreadyStarted)
	}
	inv.StartedAt = &at
	w.invitations[id] = inv
	return inv, nil
}

func (w *workspace) GiveTime(_ context.Context, id string, extra time.Duration, m float64) (access.Invitation, error) {
	if w.err != nil {
		return access.Invitation{}, w.err
	}
	inv := w.invitations[id]
	inv.ExtraTime += access.Duration(extra)
	if m > 0 {
		inv.TimeMultiplier = m
	}
	w.invitations[id] = inv
	return inv, nil
}

func (w *workspace) SaveDraft(_ context.Context, d runner.Draft) error {
	if w.err != nil {
		return w.err
	}
	k := d.Invitation + "/" + d.Challenge
	w.drafts[k] = append(w.drafts[k], d)
	return nil
}

func (w *workspace) Draft(_ context.Context, inv, slug string) (runner.Draft, error) {
	if w.err != nil {
		return runner.Draft{}, w.err
	}
	saves := w.drafts[inv+"/"+slug]
	if len(saves) == 0 {
		return runner.Draft{}, fmt.Errorf("draft: %w", runner.ErrNotFound)
	}
	return saves[len(saves)-1], nil
}

func (w *workspace) DraftHistory(_ context.Context, inv, slug string) ([]runner.Draft, error) {
	return w.drafts[inv+"/"+slug], w.err
}

var hour = access.Duration(time.Hour)

// newWorkspace has a timed invitation (inv-t, an hour, not started), an
// untimed one (inv-u, due in a day) and one whose deadline passed
// (inv-x), all to add.
func newWorkspace() *workspace {
	soon, gone := now.Add(24*time.Hour), now.Add(-time.Minute)
	return &workspace{invitations: map[string]access.Invitation{
		"inv-t": {ID: "inv-t", Candidate: "Ada", Challenges: []string{"add"}, Duration: hour},
		"inv-u": {ID: "inv-u", Candidate: "Bob", Challenges: []string{"add"}, Deadline: &soon},
		"inv-x": {ID: "inv-x", Candidate: "Cy", Challenges: []string{"add"}, Duration: hour, Deadline: &gone},
	}, drafts: map[string][]runner.Draft{}}
}

// as is the candidate of an invitation, as the API resolves them.
func as(w *workspace, id string) access.Principal {
	inv := w.invitations[id]
	return access.Principal{Role: access.RoleCandidate, ID: id, Name: inv.Candidate, Invitation: &inv}
}

func TestStartSession(t *testing.T) {
	w := newWorkspace()
	u := &app.Sessions{Store: w, Now: clock, Logger: quiet}
	ctx := context.Background()
	s, err := u.Start(ctx, as(w, "inv-t"), "inv-t")
	if err != nil {
		t.Fatal(err)
	}
	if s.State != "running" || !s.StartedAt.Equal(now) || s.Left != hour || !s.EndsAt.Equal(now.Add(time.Hour)) {
		t.Fatalf("session %+v", s)
	}
	// Again (as the page does on a reload): the same clock, not a new one.
	later := &app.Sessions{Store: w, Now: func() time.Time { return now.Add(10 * time.Minute) }, Logger: quiet}
	s, err = later.Start(ctx, as(w, "inv-t"), "inv-t")
	if err != nil || !s.StartedAt.Equal(now) || s.Left != access.Duration(50*time.Minute) {
		t.Fatalf("started again: %+v, %v", s, err)
	}

	_, err = u.Start(ctx, as(w, "inv-t"), "inv-u")
	wantKind(t, err, app.Forbidden, "invitation inv-u is not yours")
	_, err = u.Start(ctx, staffer, "inv-t")
	wantKind(t, err, app.Forbidden, "invitation inv-t is not yours")
	_, err = u.Start(ctx, as(w, "inv-u"), "inv-u")
	wantKind(t, err, app.Conflict, "this invitation is not a timed session")
	_, err = u.Start(ctx, as(w, "inv-x"), "inv-x")
	wantKind(t, err, app.Forbidden, "your invitation expired at 2025-03-01T11:59:00Z")
	w.err = errDown
	_, err = u.Start(ctx, as(newWorkspace(), "inv-t"), "inv-t")
	wantKind(t, err, app.Unavailable, "")
	_, err = (&app.Sessions{Now: clock, Logger: quiet}).Start(ctx, as(w, "inv-t"), "inv-t")
	wantKind(t, err, app.Unsupported, "this server keeps no accounts")
}

func TestSessionOf(t *testing.T) {
	started := now.Add(-30 * time.Minute)
	for _, tc := range []struct {
		inv   access.Invitation
		state string
		left  access.Duration
	}{
		{access.Invitation{Duration: hour}, "not_started", 0},
		{access.Invitation{Duration: hour, StartedAt: &started}, "running", access.Duration(30 * time.Minute)},
		{access.Invitation{Duration: hour, StartedAt: &started, TimeMultiplier: 0.25}, "over", 0},
		{access.Invitation{}, "running", 0}, // untimed, no deadline: no clock
	} {
		s := app.SessionOf(tc.inv, now)
		if s.State != tc.state || s.Left != tc.left {
			t.Errorf("SessionOf(%+v) = %s, %v left; want %s, %v", tc.inv, s.State, s.Left, tc.state, tc.left)
		}
	}
}

func TestGiveTime(t *testing.T) {
	w := newWorkspace()
	u := &app.Sessions{Store: w, Now: clock, Logger: quiet}
	ctx := context.Background()
	inv, err := u.GiveTime(ctx, staffer, "inv-t", app.NewTime{ExtraMinutes: 15, Multiplier: 1.5})
	if err != nil {
		t.Fatal(err)
	}
	if inv.ExtraTime != access.Duration(15*time.Minute) || inv.TimeMultiplier != 1.5 {
		t.Fatalf("invitation %+v", inv)
	}
	for _, tc := range []struct {
		id   string
		req  app.NewTime
		kind app.Kind
		msg  string
	}{
		{"inv-t", app.NewTime{}, app.Invalid, "give extra_minutes, a multiplier, or both"},
		{"inv-t", app.NewTime{ExtraMinutes: -1}, app.Invalid, "extra_minutes must be from 0 to 10080 (a week)"},
		{"inv-t", app.NewTime{ExtraMinutes: 10081}, app.Invalid, "extra_minutes must be from 0 to 10080"},
		{"inv-t", app.NewTime{Multiplier: 0.9}, app.Invalid, "multiplier must be from 1 to 4"},
		{"inv-t", app.NewTime{Multiplier: 4.1}, app.Invalid, "multiplier must be from 1 to 4"},
		{"inv-u", app.NewTime{ExtraMinutes: 5}, app.Conflict, "invitation inv-u is not a timed session (it has no duration)"},
		{"inv-9", app.NewTime{ExtraMinutes: 5}, app.NotFound, "invitation inv-9: not found"},
	} {
		_, err := u.GiveTime(ctx, staffer, tc.id, tc.req)
		wantKind(t, err, tc.kind, tc.msg)
	}
	if got := w.invitations["inv-t"]; got.ExtraTime != access.Duration(15*time.Minute) {
		t.Errorf("a refused gift changed the clock: %+v", got)
	}
	w.err = errDown
	_, err = u.GiveTime(ctx, staffer, "inv-t", app.NewTime{ExtraMinutes: 5})
	wantKind(t, err, app.Unavailable, "")
	wantKind(t, (&app.Sessions{}).Supported(), app.Unsupported, "this server keeps no accounts")
}

func newDrafts(w *workspace, lim app.Limiter) *app.Drafts {
	return &app.Drafts{Catalog: addCatalog(), Store: w, Limiter: lim, MaxFileBytes: 64, Now: clock}
}

func TestSaveDraft(t *testing.T) {
	w := newWorkspace()
	lim := &limiter{}
	u := newDrafts(w, lim)
	ctx := context.Background()
	inv, ch, err := u.Open(as(w, "inv-u"), "inv-u", "add")
	if err != nil {
		t.Fatal(err)
	}
	d, err := u.Save(ctx, inv, ch, map[string]string{"solution.py": "x = 1\n"}, "def test_x(): pass\n")
	if err != nil {
		t.Fatal(err)
	}
	if d.Invitation != "inv-u" || d.Challenge != "add" || d.Source != runner.DraftTyping || !d.SavedAt.Equal(now) || d.Scratch == "" {
		t.Fatalf("draft %+v", d)
	}
	latest, err := u.Latest(ctx, as(w, "inv-u"), "inv-u", "add")
	if err != nil || latest.Files["solution.py"] != "x = 1\n" {
		t.Fatalf("Latest = %+v, %v", latest, err)
	}
	if lim.seen["draft:invitation:inv-u"] != 1 {
		t.Errorf("draft saves counted %v", lim.seen)
	}

	_, err = u.Save(ctx, inv, ch, map[string]string{"other.py": "x"}, "")
	wantKind(t, err, app.Invalid, "")
	_, err = u.Save(ctx, inv, ch, map[string]string{"solution.py": strings.Repeat("x", 65)}, "")
	wantKind(t, err, app.TooLarge, "file solution.py is 65 bytes; the limit is 64")
	if n := len(w.drafts["inv-u/add"]); n != 1 {
		t.Errorf("refused drafts were kept: %d saves", n)
	}
}

func TestDraftSavesAreLimited(t *testing.T) {
	w := newWorkspace()
	lim := &limiter{seen: map[string]int{"draft:invitation:inv-u": 240}}
	u := newDrafts(w, lim)
	inv, ch, err := u.Open(as(w, "inv-u"), "inv-u", "add")
	if err != nil {
		t.Fatal(err)
	}
	_, err = u.Save(context.Background(), inv, ch, map[string]string{"solution.py": "x"}, "")
	if e := wantKind(t, err, app.RateLimited, "too many draft saves: at most 240 per 1m0s; try again in 42s"); e.RetryAfter != 42*time.Second {
		t.Errorf("RetryAfter %v", e.RetryAfter)
	}
	w.err = errDown
	lim.seen = nil
	_, err = u.Save(context.Background(), inv, ch, map[string]string{"solution.py": "x"}, "")
	wantKind(t, err, app.Unavailable, "")
}

func TestOpenChallengeRefusals(t *testing.T) {
	w := newWorkspace()
	u := newDrafts(w, nil)
	for _, tc := range []struct {
		name   string
		p      access.Principal
		id     string
		slug   string
		kind   app.Kind
		msg    string
		noAccs bool
	}{
		{name: "staff", p: staffer, id: "inv-u", slug: "add", kind: app.Forbidden, msg: "invitation inv-u is not yours"},
		{name: "another's", p: as(w, "inv-t"), id: "inv-u", slug: "add", kind: app.Forbidden, msg: "invitation inv-u is not yours"},
		{name: "not in the invitation", p: as(w, "inv-u"), id: "inv-u", slug: "sum", kind: app.NotFound, msg: `your invitation has no challenge "sum"`},
		{name: "not in the catalog", p: as(w, "inv-u"), id: "inv-u", slug: "mul", kind: app.NotFound, msg: `your invitation has no challenge "mul"`},
		{name: "not started", p: as(w, "inv-t"), id: "inv-t", slug: "add", kind: app.Forbidden, msg: "your timed session has not started"},
		{name: "expired", p: as(w, "inv-x"), id: "inv-x", slug: "add", kind: app.Forbidden, msg: ""},
		{name: "no accounts", p: as(w, "inv-u"), id: "inv-u", slug: "add", kind: app.Unsupported, msg: "this server keeps no accounts", noAccs: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := u
			if tc.noAccs {
				u = &app.Drafts{Catalog: addCatalog(), Now: clock}
			}
			_, _, err := u.Open(tc.p, tc.id, tc.slug)
			wantKind(t, err, tc.kind, tc.msg)
		})
	}
}

func TestReadDrafts(t *testing.T) {
	w := newWorkspace()
	w.drafts["inv-u/add"] = []runner.Draft{{Invitation: "inv-u", Challenge: "add", Source: runner.DraftTyping}, {Invitation: "inv-u", Challenge: "add", Source: runner.DraftRun}}
	u := newDrafts(w, nil)
	ctx := context.Background()
	d, err := u.Latest(ctx, staffer, "inv-u", "add")
	if err != nil || d.Source != runner.DraftRun {
		t.Fatalf("staff's Latest = %+v, %v", d, err)
	}
	_, err = u.Latest(ctx, as(w, "inv-t"), "inv-u", "add")
	wantKind(t, err, app.Forbidden, "invitation inv-u is not yours")
	_, err = u.Latest(ctx, as(w, "inv-u"), "inv-u", "sum")
	wantKind(t, err, app.NotFound, "no draft of sum was saved")
	h, err := u.History(ctx, "inv-u", "add")
	if err != nil || h.Invitation != "inv-u" || h.Challenge != "add" || len(h.Saves) != 2 {
		t.Fatalf("History = %+v, %v", h, err)
	}
	_, err = u.History(ctx, "inv-9", "add")
	wantKind(t, err, app.NotFound, "invitation inv-9: not found")
	w.err = errDown
	_, err = u.Latest(ctx, staffer, "inv-u", "add")
	wantKind(t, err, app.Unavailable, "")
	_, err = u.History(ctx, "inv-u", "add")
	wantKind(t, err, app.Unavailable, "")
	off := &app.Drafts{Now: clock}
	_, err = off.Latest(ctx, staffer, "inv-u", "add")
	wantKind(t, err, app.Unsupported, "this server keeps no accounts")
	_, err = off.History(ctx, "inv-u", "add")
	wantKind(t, err, app.Unsupported, "this server keeps no accounts")
}
