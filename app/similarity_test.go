package app_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"assay/access"
	"assay/app"
	"assay/challenges"
	"assay/runner"
	"assay/similarity"
)

// index is an in-memory app.SimilarityIndex: records and each
// submission's matches, as the Redis index would keep them.
type index struct {
	records map[string]similarity.Record
	similar map[string][]similarity.Match
	err     error
}

func (x *index) Records(_ context.Context, ids []string) (map[string]similarity.Record, error) {
	out := map[string]similarity.Record{}
	for _, id := range ids {
		if r, ok := x.records[id]; ok {
			out[id] = r
		}
	}
	return out, x.err
}

func (x *index) Similar(_ context.Context, id string) ([]similarity.Match, error) {
	return x.similar[id], x.err
}

func (x *index) SimilarAll(_ context.Context, ids []string) (map[string][]similarity.Match, error) {
	out := map[string][]similarity.Match{}
	for _, id := range ids {
		out[id] = x.similar[id]
	}
	return out, x.err
}

func (x *index) Threshold() float64 { return 0.6 }

// Params are small, so the tests' few lines have fingerprints.
func (x *index) Params() similarity.Params { return similarity.Params{K: 3, W: 2} }

// newSimilarity: in as-1, Ada (s1) and Bob (s2, and a Run r2) at add,
// and Cy's s3 not indexed yet; Zed's x9 is in another assessment. s1 is
// similar to s2 and to x9, which makes a cluster of three.
func newSimilarity() (*app.Similarity, *index, app.AssessmentReport) {
	rec := func(id, author string, ref float64) similarity.Record {
		return similarity.Record{ID: id, Challenge: "add", Author: author, Fingerprints: 40, Reference: ref}
	}
	x := &index{
		records: map[string]similarity.Record{"s1": rec("s1", "inv-1", 0.2), "s2": rec("s2", "inv-2", 0.9), "x9": rec("x9", "inv-9", 0.1)},
		similar: map[string][]similarity.Match{
			"s1": {{ID: "s2", Score: 0.7}, {ID: "x9", Score: 0.8}},
			"s2": {{ID: "s1", Score: 0.7}},
			"x9": {{ID: "s1", Score: 0.8}},
		},
	}
	sub := func(id string, mode runner.Mode) app.SubmissionSummary {
		return app.SubmissionSummary{ID: id, Challenge: "add", Mode: mode}
	}
	rep := app.AssessmentReport{Assessment: access.Assessment{ID: "as-1"}, Candidates: []app.CandidateReport{
		{Invitation: access.Invitation{ID: "inv-1", Assessment: "as-1", Candidate: "Ada"}, Submissions: []app.SubmissionSummary{sub("s1", "")}},
		{Invitation: access.Invitation{ID: "inv-2", Assessment: "as-1", Candidate: "Bob"}, Submissions: []app.SubmissionSummary{sub("s2", ""), sub("r2", runner.ModeRun)}},
		{Invitation: access.Invitation{ID: "inv-3", Assessment: "as-1", Candidate: "Cy"}, Submissions: []app.SubmissionSummary{sub("s3", "")}},
	}}
	u := &app.Similarity{Index: x, Catalog: addCatalog(), Submissions: &store{states: map[string]runner.State{}},
		Invitations: invitationMap{"inv-2": {ID: "inv-2", Assessment: "as-1", Candidate: "Bob"}, "inv-9": {ID: "inv-9", Assessment: "as-2", Candidate: "Zed"}}}
	return u, x, rep
}

func TestSimilarityReport(t *testing.T) {
	u, _, rep := newSimilarity()
	out, err := u.Report(context.Background(), rep)
	if err != nil {
		t.Fatal(err)
	}
	if out.Assessment != "as-1" || out.Threshold != 0.6 || out.Measure != app.SimilarityMeasure || out.Pending != 1 {
		t.Fatalf("report %+v", out)
	}
	// The Run is not compared; the submissions are by reference, highest first.
	if len(out.Submissions) != 2 || out.Submissions[0].Submission != "s2" || out.Submissions[0].Candidate != "Bob" {
		t.Fatalf("submissions %+v", out.Submissions)
	}
	// Each pair once, highest first; the side in another assessment is
	// named from its invitation.
	if len(out.Pairs) != 2 {
		t.Fatalf("pairs %+v", out.Pairs)
	}
	top := out.Pairs[0]
	if top.Score != 0.8 || top.A.Submission != "s1" || top.B.Submission != "x9" || top.B.Candidate != "Zed" || top.B.Assessment != "as-2" {
		t.Errorf("top pair %+v", top)
	}
	if len(out.Clusters) != 1 || !slices.Equal(out.Clusters[0].Submissions, []string{"s1", "s2", "x9"}) || out.Clusters[0].Challenge != "add" {
		t.Errorf("clusters %+v", out.Clusters)
	}
}

func TestSimilarityRefusals(t *testing.T) {
	ctx := context.Background()
	u, x, rep := newSimilarity()
	u.Invitations = nil // x9's candidate cannot be named
	_, err := u.Report(ctx, rep)
	wantKind(t, err, app.Unsupported, "this server keeps no accounts")
	u, x, rep = newSimilarity()
	x.err = errDown
	_, err = u.Report(ctx, rep)
	wantKind(t, err, app.Unavailable, "")
	_, err = u.Similar(ctx, "s1")
	wantKind(t, err, app.NotFound, "submission s1: not found")
	off := &app.Similarity{}
	wantKind(t, off.Supported(), app.Unsupported, "this server computes no similarity")
	_, err = off.Report(ctx, rep)
	wantKind(t, err, app.Unsupported, "this server computes no similarity")
	_, err = off.Similar(ctx, "s1")
	wantKind(t, err, app.Unsupported, "this server computes no similarity")
	_, err = off.Pair(ctx, "s1", "s2")
	wantKind(t, err, app.Unsupported, "this server computes no similarity")
}

func TestSimilar(t *testing.T) {
	u, _, _ := newSimilarity()
	subs := u.Submissions.(*store)
	subs.states["s1"] = runner.State{Submission: runner.Submission{ID: "s1", Challenge: "add"}}
	subs.states["s3"] = runner.State{Submission: runner.Submission{ID: "s3", Challenge: "add"}}
	v, err := u.Similar(context.Background(), "s1")
	if err != nil {
		t.Fatal(err)
	}
	if !v.Indexed || v.Reference != 0.2 || len(v.Similar) != 2 || v.Similar[1].B.Candidate != "Zed" || v.Similar[0].A.Submission != "s1" {
		t.Fatalf("similar %+v", v)
	}
	// Not indexed yet: an empty list, not an error.
	v, err = u.Similar(context.Background(), "s3")
	if err != nil || v.Indexed || v.Similar == nil || len(v.Similar) != 0 {
		t.Fatalf("not indexed: %+v, %v", v, err)
	}
}

const copied = "def add(a, b):\n    total = a + b\n    for i in range(10):\n        total += i * 2\n    return total\n"

// versionedCatalog has add's old version v1, whose starter is the whole
// copied text: against it, the copies share nothing but scaffolding.
type versionedCatalog map[string]*challenges.Challenge

func (v versionedCatalog) Challenge(_ context.Context, slug, version string) (*challenges.Challenge, error) {
	if ch, ok := v[slug+"@"+version]; ok {
		return ch, nil
	}
	return nil, fmt.Errorf("%s@%s: %w", slug, version, runner.ErrNotFound)
}

func TestSimilarityPair(t *testing.T) {
	u, x, _ := newSimilarity()
	x.similar["s1"] = []similarity.Match{{ID: "s2", Score: 0.75}}
	subs := u.Submissions.(*store)
	put := func(id, slug, version, inv string) {
		subs.states[id] = runner.State{Submission: runner.Submission{ID: id, Challenge: slug, ChallengeVersion: version, Invitation: inv,
			Files: map[string]string{"solution.py": copied}}}
	}
	put("s1", "add", "v1", "inv-1")
	put("s2", "add", "v1", "inv-9")
	put("s4", "add", "v1", "inv-9") // not indexed, but Zed's
	put("t1", "sum", "s1", "")
	ctx := context.Background()

	p, err := u.Pair(ctx, "s1", "s2")
	if err != nil {
		t.Fatal(err)
	}
	if p.Challenge != "add" || p.Score != 1 || p.Stored != 0.75 || p.Threshold != 0.6 || len(p.A.Spans) == 0 || len(p.B.Spans) == 0 || p.A.Files["solution.py"] != copied {
		t.Fatalf("pair %+v", p)
	}
	// The index's record names the author (s2's: Bob's inv-2). s1's names
	// inv-1, which the invitations do not hold: a candidate gone is shown
	// without a name.
	if p.A.Side.Invitation != "inv-1" || p.A.Side.Candidate != "" || p.B.Side.Candidate != "Bob" {
		t.Errorf("sides %+v, %+v", p.A.Side, p.B.Side)
	}
	if p, err := u.Pair(ctx, "s2", "s4"); err != nil || p.B.Side.Candidate != "Zed" || p.Stored != 0 {
		t.Errorf("a side not indexed yet: %+v, %v", p.B.Side, err)
	}

	// Against the version it was made for, the copy is all scaffolding.
	scaffold := &challenges.Challenge{Manifest: challenges.Manifest{Slug: "add", Files: []string{"solution.py"}}, Version: "v1",
		Starter: map[string][]byte{"solution.py": []byte(copied)}}
	u.Versions = versionedCatalog{"add@v1": scaffold}
	if p, err := u.Pair(ctx, "s1", "s2"); err != nil || p.Score != 0 || len(p.A.Spans) != 0 {
		t.Errorf("against its version's scaffolding: score %v, spans %v, %v", p.Score, p.A.Spans, err)
	}

	_, err = u.Pair(ctx, "s1", "s1")
	wantKind(t, err, app.Invalid, "a submission is not compared with itself")
	_, err = u.Pair(ctx, "s1", "t1")
	wantKind(t, err, app.Invalid, "s1 and t1 are submissions of different challenges")
	_, err = u.Pair(ctx, "s1", "zz")
	wantKind(t, err, app.NotFound, "submission zz: not found")
}
