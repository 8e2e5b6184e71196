package app_test

import (
	"context"
	"testing"
	"time"

	"assay/access"
	"assay/app"
	"assay/runner"
)

func summary(st runner.State) app.SubmissionSummary {
	out := app.SubmissionSummary{ID: st.Submission.ID, Challenge: st.Submission.Challenge, Status: st.Status, CreatedAt: st.Submission.CreatedAt, Mode: st.Submission.Mode}
	if r := st.Result; r != nil {
		out.Verdict, out.Passed, out.Total = r.Verdict, r.Passed, r.Total
	}
	return out
}

func graded(id, slug string, at int, v runner.Verdict, passed int) runner.State {
	return runner.State{
		Submission: runner.Submission{ID: id, Challenge: slug, CreatedAt: now.Add(time.Duration(at) * time.Minute)},
		Status:     runner.StatusDone,
		Result:     &runner.Result{Verdict: v, Passed: passed, Total: 5},
	}
}

func newReports() (*app.Reports, *store, *accounts) {
	subs := &store{states: map[string]runner.State{
		"t1": graded("t1", "add", 1, runner.VerdictTampered, 5),
		"f1": graded("f1", "add", 2, runner.VerdictFailed, 3),
		"p1": graded("p1", "add", 3, runner.VerdictFailed, 2),
		"r1": {Submission: runner.Submission{ID: "r1", Challenge: "add", Mode: runner.ModeRun}, Status: runner.StatusDone},
	}}
	acc := &accounts{
		assessments: map[string]access.Assessment{"as-1": {ID: "as-1"}},
		invitations: map[string][]access.Invitation{"as-1": {{ID: "inv-1", Challenges: []string{"add", "sum"}}}},
		submissions: map[string][]string{"inv-1": {"t1", "f1", "p1"}},
		runs:        map[string][]string{"inv-1": {"r1"}},
	}
	return &app.Reports{Accounts: acc, States: subs}, subs, acc
}

func TestAssessmentReport(t *testing.T) {
	u, _, _ := newReports()
	rep, err := u.Assessment(context.Background(), "as-1", summary)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Candidates) != 1 {
		t.Fatalf("candidates %+v", rep.Candidates)
	}
	c := rep.Candidates[0]
	if len(c.Submissions) != 3 || len(c.Runs) != 1 || c.Runs[0].ID != "r1" || len(c.Challenges) != 2 {
		t.Fatalf("report %+v", c)
	}
	add, sum := c.Challenges[0], c.Challenges[1]
	// Tampered ranks below everything, whatever it passed; then more passed.
	if add.Attempts != 3 || add.Tampered != 1 || add.Best.ID != "f1" || add.Latest.ID != "p1" {
		t.Fatalf("add: %+v", add)
	}
	if sum.Attempts != 0 || sum.Best != nil || sum.Latest != nil {
		t.Fatalf("sum: %+v", sum)
	}
}

func TestBetter(t *testing.T) {
	score := func(f float64) *float64 { return &f }
	at := func(m int) time.Time { return now.Add(time.Duration(m) * time.Minute) }
	done, queued := runner.StatusDone, runner.StatusQueued
	for _, tc := range []struct {
		name string
		a, b app.SubmissionSummary
	}{
		{"finished first", app.SubmissionSummary{Status: done, Verdict: runner.VerdictFailed}, app.SubmissionSummary{Status: queued}},
		{"tampered last", app.SubmissionSummary{Status: done, Verdict: runner.VerdictError}, app.SubmissionSummary{Status: done, Verdict: runner.VerdictTampered, Passed: 5}},
		{"higher score", app.SubmissionSummary{Status: done, Verdict: runner.VerdictFailed, Score: score(80)}, app.SubmissionSummary{Status: done, Verdict: runner.VerdictPassed, Score: score(70)}},
		{"passed", app.SubmissionSummary{Status: done, Verdict: runner.VerdictPassed, Passed: 1}, app.SubmissionSummary{Status: done, Verdict: runner.VerdictFailed, Passed: 4}},
		{"more passed", app.SubmissionSummary{Status: done, Verdict: runner.VerdictFailed, Passed: 4}, app.SubmissionSummary{Status: done, Verdict: runner.VerdictFailed, Passed: 3}},
		{"later", app.SubmissionSummary{Status: done, CreatedAt: at(2)}, app.SubmissionSummary{Status: done, CreatedAt: at(1)}},
	} {
		if !app.Better(tc.a, tc.b) || app.Better(tc.b, tc.a) {
			t.Errorf("%s: Better is wrong", tc.name)
		}
	}
}

func TestReportRefusals(t *testing.T) {
	inv := access.Invitation{ID: "inv-1", Challenges: []string{"add"}}
	for _, tc := range []struct {
		name  string
		setup func(u *app.Reports, subs *store, acc *accounts)
		call  func(u *app.Reports) error
		kind  app.Kind
		msg   string
	}{
		{name: "no accounts", setup: func(u *app.Reports, _ *store, _ *accounts) { u.Accounts = nil },
			call: func(u *app.Reports) error { _, err := u.Invitation(context.Background(), inv, summary); return err }, kind: app.Unsupported, msg: "this server keeps no accounts"},
		{name: "no accounts for an assessment", setup: func(u *app.Reports, _ *store, _ *accounts) { u.Accounts = nil },
			call: func(u *app.Reports) error { _, err := u.Assessment(context.Background(), "as-1", summary); return err }, kind: app.Unsupported},
		{name: "unknown assessment",
			call: func(u *app.Reports) error { _, err := u.Assessment(context.Background(), "as-9", summary); return err }, kind: app.NotFound, msg: "assessment as-9: not found"},
		{name: "a listed submission missing", setup: func(_ *app.Reports, subs *store, _ *accounts) { delete(subs.states, "f1") },
			call: func(u *app.Reports) error { _, err := u.Invitation(context.Background(), inv, summary); return err }, kind: app.NotFound, msg: "report of invitation inv-1: submission f1: not found"},
		{name: "accounts down", setup: func(_ *app.Reports, _ *store, acc *accounts) { acc.err = errDown },
			call: func(u *app.Reports) error { _, err := u.Invitation(context.Background(), inv, summary); return err }, kind: app.Unavailable},
		{name: "submissions down", setup: func(_ *app.Reports, subs *store, _ *accounts) { subs.err = errDown },
			call: func(u *app.Reports) error { _, err := u.Assessment(context.Background(), "as-1", summary); return err }, kind: app.Unavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, subs, acc := newReports()
			if tc.setup != nil {
				tc.setup(u, subs, acc)
			}
			wantKind(t, tc.call(u), tc.kind, tc.msg)
		})
	}
}
