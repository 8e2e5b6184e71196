package app_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"assay/access"
	"assay/app"
	"assay/runner"
)

var admin = access.Principal{Role: access.RoleAdmin, ID: access.AdminID, Name: "admin"}

type regradeFixture struct {
	u        *app.Regrades
	subs     *store
	regrades *regradeStore
	accounts *accounts
}

// newRegrades has four finished submissions: two to add (one by the
// assessment's candidate), one to sum, and one to add still queued.
func newRegrades() regradeFixture {
	done := func(id, slug string) runner.State {
		return runner.State{Submission: runner.Submission{ID: id, Challenge: slug, ChallengeVersion: "v1"}, Status: runner.StatusDone,
			Result: &runner.Result{Verdict: runner.VerdictPassed, ChallengeVersion: "v1"}}
	}
	f := regradeFixture{
		subs: &store{states: map[string]runner.State{
			"a1": done("a1", "add"), "a2": done("a2", "add"), "s1": done("s1", "sum"),
			"q1": {Submission: runner.Submission{ID: "q1", Challenge: "add"}, Status: runner.StatusQueued},
		}},
		regrades: &regradeStore{bySlug: map[string][]string{"add": {"a1", "a2", "q1"}, "sum": {"s1"}}},
		accounts: &accounts{
			assessments: map[string]access.Assessment{"as-1": {ID: "as-1", Challenges: []string{"add", "sum"}}},
			invitations: map[string][]access.Invitation{"as-1": {{ID: "inv-1"}}},
			submissions: map[string][]string{"inv-1": {"a2", "s1"}},
		},
	}
	f.u = &app.Regrades{Catalog: addCatalog(), Submissions: f.subs, Store: f.regrades, Assessments: f.accounts,
		Versions: versions{"add": {"v1", "v2"}}, Now: clock, NewID: ids(), Logger: quiet}
	return f
}

func TestRegradeChallenge(t *testing.T) {
	f := newRegrades()
	rg, err := f.u.Start(context.Background(), admin, app.RegradeRequest{Challenge: "add", Version: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	if rg.ID != "id-1" || rg.CreatedBy != access.AdminID || !rg.CreatedAt.Equal(now) || rg.Total != 2 || rg.Skipped != 1 || rg.Versions["add"] != "v1" {
		t.Fatalf("regrade %+v", rg)
	}
	if len(f.regrades.copies) != 1 || len(f.regrades.copies[0]) != 2 {
		t.Fatalf("copies %+v", f.regrades.copies)
	}
	for _, c := range f.regrades.copies[0] {
		if c.ChallengeVersion != "v1" || c.Regrade == nil || c.Regrade.ID != rg.ID {
			t.Fatalf("copy %+v", c)
		}
	}
}

func TestRegradeScopeOfAnAssessment(t *testing.T) {
	f := newRegrades()
	rg, ids, err := f.u.Scope(context.Background(), app.RegradeRequest{Assessment: "as-1"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids, []string{"a2", "s1"}) || rg.Versions["add"] != "v2" || rg.Versions["sum"] != "s1" {
		t.Fatalf("scope %v, versions %v", ids, rg.Versions)
	}
	rg, ids, err = f.u.Scope(context.Background(), app.RegradeRequest{Assessment: "as-1", Challenge: "sum"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rg.Versions) != 1 || rg.Versions["sum"] != "s1" || !slices.Equal(ids, []string{"a2", "s1"}) {
		t.Fatalf("scope %v, versions %v", ids, rg.Versions)
	}
}

// TestRegradeRefusals covers every kind Start returns, and that nothing
// is queued when it refuses.
func TestRegradeRefusals(t *testing.T) {
	for _, tc := range []struct {
		name  string
		by    access.Principal
		req   app.RegradeRequest
		setup func(f *regradeFixture)
		kind  app.Kind
		msg   string
	}{
		{name: "not the admin", by: staffer, req: app.RegradeRequest{Challenge: "add"}, kind: app.Forbidden, msg: "a interviewer may not regrade"},
		{name: "no regrades store", req: app.RegradeRequest{Challenge: "add"}, setup: func(f *regradeFixture) { f.u.Store = nil }, kind: app.Unsupported, msg: "this server keeps no regrades"},
		{name: "no accounts", req: app.RegradeRequest{Assessment: "as-1"}, setup: func(f *regradeFixture) { f.u.Assessments = nil }, kind: app.Unsupported, msg: "this server keeps no accounts"},
		{name: "nothing named", kind: app.Invalid, msg: "name a challenge, an assessment, or both"},
		{name: "version alone", req: app.RegradeRequest{Assessment: "as-1", Version: "v1"}, kind: app.Invalid, msg: "version needs a challenge"},
		{name: "challenge outside the assessment", req: app.RegradeRequest{Assessment: "as-1", Challenge: "mul"}, kind: app.Invalid, msg: "challenge mul is not part of assessment as-1"},
		{name: "unknown version", req: app.RegradeRequest{Challenge: "add", Version: "v9"}, kind: app.Invalid, msg: "challenge add has no version v9"},
		{name: "versions not listed", req: app.RegradeRequest{Challenge: "add", Version: "v1"}, setup: func(f *regradeFixture) { f.u.Versions = nil }, kind: app.Invalid, msg: "this server cannot list versions"},
		{name: "unknown assessment", req: app.RegradeRequest{Assessment: "as-9"}, kind: app.NotFound, msg: "assessment as-9: not found"},
		{name: "unknown challenge", req: app.RegradeRequest{Challenge: "mul"}, kind: app.NotFound, msg: `challenge "mul": not found`},
		{name: "submissions unreadable", req: app.RegradeRequest{Challenge: "add"}, setup: func(f *regradeFixture) { f.subs.err = errDown }, kind: app.Unavailable},
		{name: "regrades store down", req: app.RegradeRequest{Challenge: "add"}, setup: func(f *regradeFixture) { f.regrades.err = errDown }, kind: app.Unavailable},
		{name: "accounts down", req: app.RegradeRequest{Assessment: "as-1"}, setup: func(f *regradeFixture) { f.accounts.err = errDown }, kind: app.Unavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newRegrades()
			if tc.setup != nil {
				tc.setup(&f)
			}
			by := tc.by
			if by.Role == "" {
				by = admin
			}
			_, err := f.u.Start(context.Background(), by, tc.req)
			wantKind(t, err, tc.kind, tc.msg)
			if len(f.regrades.rg) != 0 {
				t.Errorf("a refused regrade was queued: %+v", f.regrades.rg)
			}
		})
	}
}

// regradeLog is an in-memory app.RegradeReader.
type regradeLog struct {
	ids   []string
	items map[string][]runner.RegradeItem
	err   error
}

func (r *regradeLog) Regrades(ctx context.Context) ([]runner.Regrade, []runner.RegradeProgress, error) {
	if r.err != nil {
		return nil, nil, r.err
	}
	var rgs []runner.Regrade
	var prs []runner.RegradeProgress
	for _, id := range r.ids {
		rg, pr, err := r.Regrade(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		rgs, prs = append(rgs, rg), append(prs, pr)
	}
	return rgs, prs, nil
}

func (r *regradeLog) Regrade(_ context.Context, id string) (runner.Regrade, runner.RegradeProgress, error) {
	if r.err != nil {
		return runner.Regrade{}, runner.RegradeProgress{}, r.err
	}
	if !slices.Contains(r.ids, id) {
		return runner.Regrade{}, runner.RegradeProgress{}, fmt.Errorf("regrade %s: %w", id, runner.ErrNotFound)
	}
	n := len(r.items[id])
	return runner.Regrade{ID: id, Total: n}, runner.RegradeProgress{Done: n}, nil
}

func (r *regradeLog) RegradeItems(_ context.Context, id string, offset, limit int) ([]runner.RegradeItem, int, error) {
	all := r.items[id]
	lo, hi := min(offset, len(all)), min(offset+limit, len(all))
	return all[lo:hi], len(all), r.err
}

func TestRegradeReads(t *testing.T) {
	items := []runner.RegradeItem{{Of: "a1"}, {Of: "a2"}, {Of: "a3"}}
	log := &regradeLog{ids: []string{"rg-1", "rg-2"}, items: map[string][]runner.RegradeItem{"rg-1": items}}
	u := &app.Regrades{Reader: log}
	ctx := context.Background()
	list, err := u.List(ctx)
	if err != nil || len(list) != 2 || list[0].ID != "rg-1" || list[0].Progress.Done != 3 || list[0].Items != nil {
		t.Fatalf("List = %+v, %v", list, err)
	}
	st, err := u.Get(ctx, "rg-1", 1, 1)
	if err != nil || st.ID != "rg-1" || st.ItemsTotal != 3 || len(st.Items) != 1 || st.Items[0].Of != "a2" {
		t.Fatalf("Get = %+v, %v", st, err)
	}
	_, err = u.Get(ctx, "rg-9", 0, 10)
	wantKind(t, err, app.NotFound, "regrade rg-9: not found")
	log.err = errDown
	_, err = u.List(ctx)
	wantKind(t, err, app.Unavailable, "")
	_, err = u.Get(ctx, "rg-1", 0, 10)
	wantKind(t, err, app.Unavailable, "")
	off := &app.Regrades{}
	_, err = off.List(ctx)
	wantKind(t, err, app.Unsupported, "this server keeps no regrades")
	_, err = off.Get(ctx, "rg-1", 0, 10)
	wantKind(t, err, app.Unsupported, "this server keeps no regrades")
}
