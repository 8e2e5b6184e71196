package challenges

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"assay/runner"
)

// ErrCheckFailed marks a challenge that does not behave as its folder claims.
var ErrCheckFailed = errors.New("challenge check failed")

// SolutionCheck is how one solution of a challenge did.
type SolutionCheck struct {
	Name    string // reference, starter, bad/<name>, adversarial/<name>
	Verdict runner.Verdict
	Reason  string
	Passed  int
	Total   int
	// NotPassed lists the tests that did not pass.
	NotPassed []string
	Problem   string // what is wrong with this solution's behaviour, if anything
	// Canaries counts the canaries its run had.
	Canaries int
	// groups: the run's CanaryGroups (the reference's run only).
	groups float64
	// Score is what the solution would score under the scoring section
	// (nil for the reference, scored before the weights are resolved,
	// and when the scoring does not fit): for an author weighing tests.
	Score *runner.Score
}

// CheckReport is the outcome of checking one challenge in the sandbox.
type CheckReport struct {
	Slug      string
	Version   string
	Expected  Expected
	Solutions []SolutionCheck
	// Stale says the folder's expected.json does not match what was recorded.
	Stale bool
	// Canaries counts the hidden tests that can have a canary twin (the
	// reference ran with one for each, and failed them all).
	Canaries int
	// CanaryGroups is the mean number of independent guesses a live run's
	// canaries make (runner.RunResult.CanaryGroups).
	CanaryGroups float64
	// Warnings are weaknesses that do not fail the check.
	Warnings []string
	// Scoring, when not empty, says why the manifest's scoring section
	// does not fit the tests the reference reported; it fails the check.
	Scoring string
	// Runtime is the container runtime the solutions ran under (runc,
	// runsc), when the sandbox can say: a challenge that behaves under
	// one runtime may not under another (timings, /proc).
	Runtime string
	// Others is the same check under the other runtimes a publisher
	// checks with (CheckAlso); the expected tests and their reference
	// runtimes are this report's.
	Others []RuntimeCheck
}

// RuntimeCheck is how a challenge's solutions did under one more runtime.
type RuntimeCheck struct {
	Runtime   string
	Solutions []SolutionCheck
}

// RuntimeNamer is a sandbox that can say which container runtime its
// containers run under; Check records it in the report.
type RuntimeNamer interface {
	RuntimeName(ctx context.Context) string
}

// FewCanaries is the number of canary sources below which a check warns:
// a forgery that reads the hidden tests in-process must guess which of each
// pair is real, for every canaried test it would fail, and forges the
// others for free.
const FewCanaries = 5

// FewGroups is the mean number of independent canary guesses a run below
// which a check warns (a run wants three: assay_canary's CANARIES).
const FewGroups = 3

// OK reports whether every solution behaved as it should, under every
// runtime checked.
func (r CheckReport) OK() bool {
	for _, s := range r.Solutions {
		if s.Problem != "" {
			return false
		}
	}
	for _, o := range r.Others {
		for _, s := range o.Solutions {
			if s.Problem != "" {
				return false
			}
		}
	}
	return len(r.Expected.Tests) > 0 && r.Scoring == ""
}

// CheckAlso runs the check of ch again in each of others (sandboxes of
// other container runtimes), without the adversarial solutions (see
// StartCheckAgain), and adds each outcome to rep.Others, so that a
// challenge is published only when it behaves under every runtime that
// may grade it. A reference that reports other tests than under rep's
// runtime is a problem too: the expected tests must hold everywhere.
func CheckAlso(ctx context.Context, rep *CheckReport, ch *Challenge, others []runner.Sandbox, defaults, ceiling runner.Limits) error {
	for i, sb := range others {
		r, err := check(ctx, ch, sb, defaults, ceiling, false)
		if err != nil {
			return fmt.Errorf("check under runtime %d of %d: %w", i+2, len(others)+1, err)
		}
		if r.Runtime == "" {
			r.Runtime = fmt.Sprintf("runtime %d", i+2)
		}
		if len(r.Solutions) > 0 && r.Solutions[0].Problem == "" && !sameTests(&rep.Expected, r.Expected.Tests) {
			r.Solutions[0].Problem = fmt.Sprintf("the reference reports other tests under %s than under %s", r.Runtime, rep.Runtime)
		}
		rep.Others = append(rep.Others, RuntimeCheck{Runtime: r.Runtime, Solutions: r.Solutions})
	}
	return nil
}

// Check runs the challenge's solutions in the sandbox: the reference must
// pass every test (its tests become the expected ids, with its runtimes),
// and the starter, every known-bad solution and every built-in adversarial
// solution (AdversarialSolutions, written to each entry file) must not
// pass. The returned error is a system failure; a misbehaving challenge is
// a report that is not OK. The solutions run one at a time (see
// StartCheck to run them side by side).
func Check(ctx context.Context, ch *Challenge, sb runner.Sandbox, defaults, ceiling runner.Limits) (CheckReport, error) {
	return check(ctx, ch, sb, defaults, ceiling, true)
}

func check(ctx context.Context, ch *Challenge, sb runner.Sandbox, defaults, ceiling runner.Limits, adversarial bool) (CheckReport, error) {
	p, err := startCheck(ctx, ch, sb, defaults, ceiling, adversarial)
	if err != nil {
		return p.Report(), err
	}
	for i := range p.Len() {
		if err := p.Run(ctx, i); err != nil {
			return p.Report(), err
		}
	}
	return p.Report(), nil
}

// PendingCheck is a check whose reference has run: its other solutions
// (Len of them) are independent runs, which a caller may run side by side
// (Run, from any goroutine, each index once) before it takes the Report.
// The reference runs alone first: its tests are the expected ones, and a
// challenge whose tests time things is judged on a quiet sandbox.
type PendingCheck struct {
	rep     CheckReport
	sb      runner.Sandbox
	suite   runner.Suite
	left    []pendingSolution
	results []*SolutionCheck
}

// pendingSolution is a solution a check has still to run.
type pendingSolution struct {
	name   string
	files  map[string][]byte
	forged bool // one of AdversarialSolutions
}

// Len is the number of solutions left to run.
func (p *PendingCheck) Len() int { return len(p.left) }

// Run runs the i-th solution left; a returned error is a system failure.
func (p *PendingCheck) Run(ctx context.Context, i int) error {
	s := p.left[i]
	sc, g, err := runSolution(ctx, p.sb, p.suite, s.name, s.files, runner.CanaryPolicy{CostMS: p.suite.ReferenceMS})
	if err != nil {
		return err
	}
	switch {
	case g.Verdict != runner.VerdictPassed:
	case s.forged:
		sc.Problem = "a forged solution that knows nothing of this challenge passed every test: " +
			"the tests must check what a forged value cannot fake (exact types, identities, side effects; " +
			"see \"Tests that resist forged values\" in docs/CHALLENGES.md and challenges/" +
			strings.ReplaceAll(s.name, "/", "_") + ".py)"
	default:
		sc.Problem = "must fail at least one test, but passed them all"
	}
	p.results[i] = &sc
	return nil
}

// Report is the check's report: the reference's, then each solution's that
// has run, in order.
func (p *PendingCheck) Report() CheckReport {
	rep := p.rep
	rep.Solutions = slices.Clone(rep.Solutions)
	for _, sc := range p.results {
		if sc != nil {
			rep.Solutions = append(rep.Solutions, *sc)
		}
	}
	return rep
}

// StartCheck runs the reference of Check and returns what is left to run
// (nothing when the reference or the scoring already failed the check).
func StartCheck(ctx context.Context, ch *Challenge, sb runner.Sandbox, defaults, ceiling runner.Limits) (*PendingCheck, error) {
	return startCheck(ctx, ch, sb, defaults, ceiling, true)
}

// StartCheckAgain is StartCheck under one more container runtime, once
// the check has passed under a first: the reference, the starter and the
// known-bad solutions, not the adversarial ones. Those are the same Python
// against the same tests and the same in-process defences under every
// runtime (what a runtime changes, the kernel's part and the timings, the
// hostile corpus covers under each, and a slower runtime only fails a
// forgery's timed tests sooner); under a second runtime they were about
// half the runs of a check for nothing it does not know already.
func StartCheckAgain(ctx context.Context, ch *Challenge, sb runner.Sandbox, defaults, ceiling runner.Limits) (*PendingCheck, error) {
	return startCheck(ctx, ch, sb, defaults, ceiling, false)
}

func startCheck(ctx context.Context, ch *Challenge, sb runner.Sandbox, defaults, ceiling runner.Limits, adversarial bool) (*PendingCheck, error) {
	p := &PendingCheck{sb: sb}
	p.rep = CheckReport{Slug: ch.Slug, Version: ch.Version}
	rep := &p.rep
	if rn, ok := sb.(RuntimeNamer); ok {
		rep.Runtime = rn.RuntimeName(ctx)
	}
	suite := SuiteOf(ch, defaults, ceiling)
	suite.Expected = nil // what the reference reports is what we expect
	suite.Weights = nil  // and the scoring is resolved against its tests

	// Every test that can be a source gets a canary in the reference's
	// run, so that none a run may later draw could pass an honest run.
	// (Its costs, the folder's recorded runtimes when it has them, are for
	// the count of independent guesses a live run's canaries make.)
	ref, g, err := runSolution(ctx, sb, suite, "reference", ch.Reference, runner.CanaryPolicy{All: true, CostMS: suite.ReferenceMS})
	if err != nil {
		return p, err
	}
	rep.Canaries, rep.CanaryGroups = ref.Canaries, ref.groups
	// (A "tests" challenge grades the candidate's tests against mutants:
	// its hidden tests are no value checks, and canaries do not apply.)
	if n := rep.Canaries; n < FewCanaries && hasHidden(g) && ch.Kind != KindTests {
		odds := "nothing would detect code that reads or calls the hidden tests in-process and answers from them"
		if n > 0 {
			odds = "code that reads or calls the hidden tests in-process and answers from them has to guess only for those"
		}
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("only %d hidden test(s) can have a canary (a copy expecting another value; "+
			"docs/CHALLENGES.md, \"Canaries\"): %s; end more hidden tests with an assert of a literal result that is not one of their inputs", n, odds))
	} else if n > 0 && rep.CanaryGroups < FewGroups && ch.Kind != KindTests {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("a run's canaries make %.1f independent guess(es) on average, fewer than %d, for code that reads "+
			"the hidden tests in-process (docs/CHALLENGES.md, \"Canaries\": several tests per type of result, values seen once and values seen twice)",
			rep.CanaryGroups, FewGroups))
	}
	if g.Verdict != runner.VerdictPassed {
		ref.Problem = fmt.Sprintf("the reference solution must pass every test, but: %s%s", g.Reason, listFailures(ref.NotPassed))
	}
	rep.Solutions = append(rep.Solutions, ref)
	rep.Expected = Expected{Version: ch.Version}
	for _, t := range g.Tests {
		rep.Expected.Tests = append(rep.Expected.Tests, ExpectedTest{ID: t.ID, Hidden: t.Hidden, ReferenceMS: roundMS(t.DurationMS)})
	}
	sort.Slice(rep.Expected.Tests, func(i, j int) bool { return rep.Expected.Tests[i].ID < rep.Expected.Tests[j].ID })
	if ref.Problem != "" {
		return p, nil
	}
	// The scoring section's patterns are checked against the tests the
	// reference reported, and each test's weight, tags and group recorded.
	if err := applyScoring(ch.Scoring, rep.Expected.Tests); err != nil {
		rep.Scoring = fmt.Sprintf("%s: %v", ManifestFile, err)
		return p, nil
	}
	suite.Weights = rep.Expected.Weights()
	suite.ReferenceMS = make(map[string]float64, len(rep.Expected.Tests))
	for _, t := range rep.Expected.Tests {
		suite.Expected = append(suite.Expected, t.ID)
		suite.ReferenceMS[t.ID] = t.ReferenceMS
	}

	p.suite = suite
	p.left = append(p.left, pendingSolution{name: "starter", files: ch.Starter})
	for _, name := range slices.Sorted(maps.Keys(ch.Bad)) {
		p.left = append(p.left, pendingSolution{name: "bad/" + name, files: ch.Bad[name]})
	}
	if adversarial {
		for _, a := range AdversarialSolutions() {
			p.left = append(p.left, pendingSolution{name: a.Name, files: a.Files(ch), forged: true})
		}
	}
	p.results = make([]*SolutionCheck, len(p.left))
	rep.Stale = !ch.Fresh() || !sameTests(ch.Expected, rep.Expected.Tests) || !sameScoring(ch.Expected, rep.Expected.Tests)
	return p, nil
}

func hasHidden(g runner.Grading) bool {
	for _, t := range g.Tests {
		if t.Hidden {
			return true
		}
	}
	return false
}

func runSolution(ctx context.Context, sb runner.Sandbox, suite runner.Suite, name string, solution map[string][]byte, canaries runner.CanaryPolicy) (SolutionCheck, runner.Grading, error) {
	candidate := make(map[string]string, len(solution))
	for k, v := range solution {
		candidate[k] = string(v)
	}
	sc := SolutionCheck{Name: name}
	files, hidden, err := runner.SandboxFiles(suite, candidate)
	if err != nil {
		sc.Problem = err.Error()
		return sc, runner.Grading{}, nil
	}
	run, err := sb.Run(ctx, runner.RunSpec{ID: "check-" + suite.Challenge + "-" + strings.ReplaceAll(name, "/", "-"), Files: files, Hidden: hidden, Entry: suite.Entry, Limits: suite.Limits, Image: suite.Image, HiddenPrograms: suite.HiddenPrograms, Canaries: canaries})
	if err != nil {
		return sc, runner.Grading{}, fmt.Errorf("run %s of %s: %w", name, suite.Challenge, err)
	}
	g := runner.Grade(suite.Expected, run)
	sc.Canaries, sc.groups = len(run.Canaries), run.CanaryGroups
	sc.Verdict, sc.Reason, sc.Passed, sc.Total = g.Verdict, cmpReason(g), g.Passed, g.Total
	if suite.Weights != nil {
		sc.Score = runner.ScoreOf(&runner.Result{Verdict: g.Verdict, Tests: g.Tests}, suite.Weights)
	}
	for _, t := range g.Tests {
		if t.Outcome != runner.OutcomePassed {
			sc.NotPassed = append(sc.NotPassed, t.ID)
		}
	}
	if g.Verdict == runner.VerdictError {
		for _, ph := range run.Phases {
			if len(ph.Output) > 0 {
				sc.Reason += "\n[" + ph.Name + "] " + tail(string(ph.Output), 2000)
			}
		}
	}
	return sc, g, nil
}

func sameTests(a *Expected, b []ExpectedTest) bool {
	if a == nil {
		return false
	}
	ids := func(ts []ExpectedTest) []string {
		out := make([]string, 0, len(ts))
		for _, t := range ts {
			out = append(out, t.ID)
		}
		sort.Strings(out)
		return out
	}
	return slices.Equal(ids(a.Tests), ids(b))
}

// sameScoring reports whether the recorded tests have the weights, tags
// and groups just resolved (a weight left out counts as 1).
func sameScoring(a *Expected, b []ExpectedTest) bool {
	if a == nil || len(a.Tests) != len(b) {
		return false
	}
	rec := a.Weights()
	for _, t := range b {
		r, ok := rec[t.ID]
		if r.Weight == 0 {
			r.Weight = 1
		}
		if !ok || r.Weight != t.Weight || r.Group != t.Group || !slices.Equal(r.Tags, t.Tags) {
			return false
		}
	}
	return true
}

func listFailures(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	return " (not passed: " + strings.Join(ids, ", ") + ")"
}

func roundMS(ms float64) float64 { return float64(int64(ms*1000+0.5)) / 1000 }

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

// cmpReason is the grading's fullest reason: an author checking a
// challenge sees what the candidate would not.
func cmpReason(g runner.Grading) string {
	if g.Detail != "" {
		return g.Detail
	}
	return g.Reason
}
