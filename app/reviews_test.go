package app_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"assay/access"
	"assay/app"
	"assay/review"
	"assay/runner"
)

// reviewStore is an in-memory app.ReviewStore.
type reviewStore struct {
	invitations map[string]access.Invitation
	hashes      map[string]string
	notes       map[string][]review.Note
	decisions   map[string][]review.Decision
	full        bool // AddNote refuses: the submission has the most notes
	err         error
}

func (r *reviewStore) RevokeInvitation(_ context.Context, id, by string, at time.Time) (access.Invitation, error) {
	if r.err != nil {
		return access.Invitation{}, r.err
	}
	inv, ok := r.invitations[id]
	if !ok {
		return inv, fmt.Errorf("invitation %s: %w", id, runner.ErrNotFound)
	}
	inv.RevokedAt, inv.RevokedBy = &at, by
	r.invitations[id] = inv
	return inv, nil
}

func (r *reviewStore) NewInvitationToken(_ context.Context, id, hash string) (access.Invitation, error) {
	if r.err != nil {
		return access.Invitation{}, r.err
	}
	inv, ok := r.invitations[id]
	switch {
	case !ok:
		return inv, fmt.Errorf("invitation %s: %w", id, runner.ErrNotFound)
	case inv.RevokedAt != nil:
		return inv, fmt.Errorf("invitation %s: %w", id, runner.ErrConflict)
	}
	r.hashes[id] = hash
	return inv, nil
}

func (r *reviewStore) AddNote(_ context.Context, n review.Note) error {
	switch {
	case r.err != nil:
		return r.err
	case r.full:
		return fmt.Errorf("notes of %s: %w", n.Submission, runner.ErrConflict)
	}
	r.notes[n.Submission] = append(r.notes[n.Submission], n)
	return nil
}

func (r *reviewStore) Notes(_ context.Context, sub string) ([]review.Note, error) {
	return r.notes[sub], r.err
}

func (r *reviewStore) Decide(_ context.Context, d review.Decision) error {
	if r.err != nil {
		return r.err
	}
	r.decisions[d.Invitation] = append(r.decisions[d.Invitation], d)
	return nil
}

func (r *reviewStore) Decisions(_ context.Context, inv string) ([]review.Decision, error) {
	return r.decisions[inv], r.err
}

// A submission id is a uuid: anything else is not looked up.
const subID = "6f1c0a52-4a8e-4c4e-9a53-2f0d8a3e5b10"

func newReviews() (*app.Reviews, *reviewStore, *store) {
	rs := &reviewStore{
		invitations: map[string]access.Invitation{"inv-1": {ID: "inv-1", Candidate: "Ada"}},
		hashes:      map[string]string{}, notes: map[string][]review.Note{}, decisions: map[string][]review.Decision{},
	}
	subs := &store{states: map[string]runner.State{subID: {Submission: runner.Submission{ID: subID, Challenge: "add",
		Files: map[string]string{"solution.py": "def add(a, b):\n    return a + b\n"}}, Status: runner.StatusDone}}}
	return &app.Reviews{Store: rs, Invitations: invitationMap(rs.invitations), Submissions: subs, Now: clock, NewID: ids()}, rs, subs
}

func TestRevokeAndRelink(t *testing.T) {
	u, rs, _ := newReviews()
	ctx := context.Background()
	out, err := u.Relink(ctx, "inv-1")
	if err != nil {
		t.Fatal(err)
	}
	if out.Token == "" || out.Link != "/i/"+out.Token || rs.hashes["inv-1"] != access.HashToken(out.Token) || out.Candidate != "Ada" {
		t.Fatalf("new link %+v, stored hash %q", out, rs.hashes["inv-1"])
	}
	inv, err := u.Revoke(ctx, staffer, "inv-1")
	if err != nil {
		t.Fatal(err)
	}
	if inv.RevokedAt == nil || !inv.RevokedAt.Equal(now) || inv.RevokedBy != staffer.ID {
		t.Fatalf("revoked %+v", inv)
	}
	_, err = u.Relink(ctx, "inv-1")
	wantKind(t, err, app.Conflict, "invitation inv-1 is revoked: it gets no new link")
	_, err = u.Relink(ctx, "inv-9")
	wantKind(t, err, app.NotFound, "invitation inv-9: not found")
	_, err = u.Revoke(ctx, staffer, "inv-9")
	wantKind(t, err, app.NotFound, "invitation inv-9: not found")
	rs.err = errDown
	_, err = u.Revoke(ctx, staffer, "inv-1")
	wantKind(t, err, app.Unavailable, "")
	_, err = u.Relink(ctx, "inv-1")
	wantKind(t, err, app.Unavailable, "")
}

func TestNotes(t *testing.T) {
	u, rs, _ := newReviews()
	ctx := context.Background()
	n, err := u.Note(ctx, staffer, subID, app.NewNote{File: "solution.py", Line: 2, Text: "  off by one?  "})
	if err != nil {
		t.Fatal(err)
	}
	if n.ID != "id-1" || n.Text != "off by one?" || n.Author != staffer.ID || n.AuthorName != "Grace" || !n.CreatedAt.Equal(now) {
		t.Fatalf("note %+v", n)
	}
	notes, err := u.Notes(ctx, subID)
	if err != nil || len(notes) != 1 || notes[0].ID != "id-1" {
		t.Fatalf("Notes = %+v, %v", notes, err)
	}

	// The note's own rules are review's: the error keeps review.ErrInvalid
	// (the forms show its text without the prefix) and is Invalid.
	_, err = u.Note(ctx, staffer, subID, app.NewNote{File: "solution.py", Line: 9, Text: "x"})
	if !errors.Is(err, review.ErrInvalid) || app.KindOf(err) != app.Invalid {
		t.Errorf("a note past the file's end: %v (kind %v)", err, app.KindOf(err))
	}
	_, err = u.Note(ctx, staffer, "not-a-uuid", app.NewNote{Text: "x"})
	wantKind(t, err, app.NotFound, `no submission "not-a-uuid"`)
	_, err = u.Notes(ctx, "not-a-uuid")
	wantKind(t, err, app.NotFound, `no submission "not-a-uuid"`)
	other := "0b9d2c1e-7a4f-4b7e-8c21-3d5e6f708192"
	_, err = u.Note(ctx, staffer, other, app.NewNote{Text: "x"})
	wantKind(t, err, app.NotFound, "not found")
	rs.full = true
	_, err = u.Note(ctx, staffer, subID, app.NewNote{Text: "one more"})
	wantKind(t, err, app.Conflict, fmt.Sprintf("this submission has %d notes, the most it keeps", review.MaxNotes))
	if len(rs.notes[subID]) != 1 {
		t.Errorf("refused notes were kept: %+v", rs.notes[subID])
	}
	rs.full, rs.err = false, errDown
	_, err = u.Note(ctx, staffer, subID, app.NewNote{Text: "x"})
	wantKind(t, err, app.Unavailable, "")
	_, err = u.Notes(ctx, subID)
	wantKind(t, err, app.Unavailable, "")
}

func TestDecisions(t *testing.T) {
	u, _, _ := newReviews()
	ctx := context.Background()
	empty, err := u.Decisions(ctx, "inv-1")
	if err != nil || empty.Current != nil || len(empty.History) != 0 {
		t.Fatalf("no decisions: %+v, %v", empty, err)
	}
	if _, err := u.Decide(ctx, staffer, "inv-1", app.NewDecision{Decision: review.Hold, Reason: " later "}); err != nil {
		t.Fatal(err)
	}
	d, err := u.Decide(ctx, admin, "inv-1", app.NewDecision{Decision: review.Advance})
	if err != nil {
		t.Fatal(err)
	}
	if d.By != access.AdminID || d.Invitation != "inv-1" || !d.At.Equal(now) {
		t.Fatalf("decision %+v", d)
	}
	got, err := u.Decisions(ctx, "inv-1")
	if err != nil || len(got.History) != 2 || got.History[0].Reason != "later" || got.Current == nil || got.Current.Decision != review.Advance {
		t.Fatalf("Decisions = %+v, %v", got, err)
	}
	_, err = u.Decide(ctx, staffer, "inv-1", app.NewDecision{Decision: "maybe"})
	if !errors.Is(err, review.ErrInvalid) || app.KindOf(err) != app.Invalid {
		t.Errorf("an unknown decision: %v (kind %v)", err, app.KindOf(err))
	}
	_, err = u.Decide(ctx, staffer, "inv-9", app.NewDecision{Decision: review.Hold})
	wantKind(t, err, app.NotFound, "invitation inv-9: not found")
	_, err = u.Decisions(ctx, "inv-9")
	wantKind(t, err, app.NotFound, "invitation inv-9: not found")
}

// TestReviewsOff: a server without reviews, or without accounts for
// decisions, refuses as Unsupported before reading anything.
func TestReviewsOff(t *testing.T) {
	ctx := context.Background()
	u, _, subs := newReviews()
	u.Store = nil
	subs.err = errDown // nothing may be read
	_, err := u.Revoke(ctx, staffer, "inv-1")
	wantKind(t, err, app.Unsupported, "this server keeps no reviews")
	_, err = u.Relink(ctx, "inv-1")
	wantKind(t, err, app.Unsupported, "this server keeps no reviews")
	_, err = u.Notes(ctx, subID)
	wantKind(t, err, app.Unsupported, "this server keeps no reviews")
	_, err = u.Note(ctx, staffer, subID, app.NewNote{Text: "x"})
	wantKind(t, err, app.Unsupported, "this server keeps no reviews")
	_, err = u.Decisions(ctx, "inv-1")
	wantKind(t, err, app.Unsupported, "this server keeps no reviews")

	u, _, _ = newReviews()
	u.Invitations = nil
	_, err = u.Decide(ctx, staffer, "inv-1", app.NewDecision{Decision: review.Hold})
	wantKind(t, err, app.Unsupported, "this server keeps no accounts")
	_, err = u.Decisions(ctx, "inv-1")
	wantKind(t, err, app.Unsupported, "this server keeps no accounts")
}

func TestCohort(t *testing.T) {
	sc := 90.0
	best := func(id string, v runner.Verdict, passed int, score *float64) *app.SubmissionSummary {
		return &app.SubmissionSummary{ID: id, Challenge: "add", Status: runner.StatusDone, Verdict: v, Passed: passed, Total: 4, Score: score}
	}
	rep := app.AssessmentReport{Assessment: access.Assessment{ID: "as-1", Challenges: []string{"add", "sum"}}, Candidates: []app.CandidateReport{
		{Invitation: access.Invitation{ID: "inv-1", Candidate: "Ada"}, Challenges: []app.ChallengeReport{{Challenge: "add", Best: best("s1", runner.VerdictFailed, 3, &sc)}}},
		{Invitation: access.Invitation{ID: "inv-2", Candidate: "Bob"}, Challenges: []app.ChallengeReport{{Challenge: "add", Best: best("s2", runner.VerdictFailed, 1, nil)}}},
		{Invitation: access.Invitation{ID: "inv-3", Candidate: "Cy"}, Challenges: []app.ChallengeReport{{Challenge: "add"}}}, // nothing finished
	}}
	test := func(id string, ok bool) runner.TestResult {
		o := runner.OutcomeFailed
		if ok {
			o = runner.OutcomePassed
		}
		return runner.TestResult{ID: id, Outcome: o}
	}
	subs := &store{states: map[string]runner.State{
		"s1": {Submission: runner.Submission{ID: "s1"}, Status: runner.StatusDone, Result: &runner.Result{Tests: []runner.TestResult{test("t1", true), test("t2", true)}}},
		"s2": {Submission: runner.Submission{ID: "s2"}, Status: runner.StatusDone, Result: &runner.Result{Tests: []runner.TestResult{test("t1", true), test("t2", false)}}},
	}}
	u := &app.Reports{States: subs, Catalog: addCatalog()}
	v, err := u.Cohort(context.Background(), rep, "add")
	if err != nil {
		t.Fatal(err)
	}
	if v.Assessment != "as-1" || v.Challenge != "add" || v.N != 2 || len(v.Candidates) != 2 {
		t.Fatalf("cohort %+v", v)
	}
	// Ada by her recorded score, Bob by the share he passed (1 of 4).
	if a, b := v.Candidates[0], v.Candidates[1]; a.Score != 90 || b.Score != 25 || a.Submission != "s1" || b.Candidate != "Bob" || a.Percentile <= b.Percentile {
		t.Fatalf("candidates %+v", v.Candidates)
	}
	if v.Mean != 57.5 {
		t.Errorf("mean %v; want 57.5", v.Mean)
	}
	rates := map[string]string{}
	for _, r := range v.Tests {
		rates[r.ID] = fmt.Sprintf("%d/%d", r.Passed, r.Ran)
	}
	if rates["t1"] != "2/2" || rates["t2"] != "1/2" {
		t.Errorf("pass rates %v", rates)
	}

	// A challenge of the assessment that nobody attempted is an empty
	// cohort; one it does not have is NotFound.
	if v, err := u.Cohort(context.Background(), rep, "sum"); err != nil || v.N != 0 || v.Candidates == nil {
		t.Errorf("empty cohort: %+v, %v", v, err)
	}
	_, err = u.Cohort(context.Background(), rep, "mul")
	wantKind(t, err, app.NotFound, `assessment as-1 has no challenge "mul"`)

	delete(subs.states, "s2")
	_, err = u.Cohort(context.Background(), rep, "add")
	wantKind(t, err, app.NotFound, "cohort of add: submission s2: not found")
	subs.err = errDown
	_, err = u.Cohort(context.Background(), rep, "add")
	wantKind(t, err, app.Unavailable, "")
}

func TestSummaryScore(t *testing.T) {
	sc := 42.0
	for _, tc := range []struct {
		sum  app.SubmissionSummary
		want float64
	}{
		{app.SubmissionSummary{Verdict: runner.VerdictTampered, Passed: 4, Total: 4, Score: &sc}, 0},
		{app.SubmissionSummary{Verdict: runner.VerdictFailed, Passed: 1, Total: 4, Score: &sc}, 42},
		{app.SubmissionSummary{Verdict: runner.VerdictFailed, Passed: 1, Total: 4}, 25},
		{app.SubmissionSummary{Verdict: runner.VerdictError}, 0},
	} {
		if got := app.SummaryScore(tc.sum); got != tc.want {
			t.Errorf("SummaryScore(%+v) = %v; want %v", tc.sum, got, tc.want)
		}
	}
}
