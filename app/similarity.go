package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"assay/access"
	"assay/challenges"
	"assay/runner"
	"assay/similarity"
)

// SimilarityIndex is the cohort's similarity index (package similarity)
// as staff read it. It informs interviewers; it never changes a verdict.
type SimilarityIndex interface {
	Records(ctx context.Context, ids []string) (map[string]similarity.Record, error)
	Similar(ctx context.Context, id string) ([]similarity.Match, error)
	SimilarAll(ctx context.Context, ids []string) (map[string][]similarity.Match, error)
	Threshold() float64
	Params() similarity.Params
}

// VersionedCatalog finds any stored version of a challenge (the Library
// does), so a pair is compared against the scaffolding of the version it
// was made for.
type VersionedCatalog interface {
	Challenge(ctx context.Context, slug, version string) (*challenges.Challenge, error)
}

// Similarity is the use case of staff's look at similarity: an
// assessment's pairs and clusters, one submission's similar ones, and a
// pair compared now from its sources.
type Similarity struct {
	// Index nil: this server computes no similarity (Unsupported).
	Index   SimilarityIndex
	Catalog Catalog
	// Versions, if set, finds the version a submission was made for;
	// nil: the catalog's current version's scaffolding is used.
	Versions VersionedCatalog
	// Invitations names the candidates; nil: this server keeps no
	// accounts (Unsupported once a candidate must be named).
	Invitations InvitationReader
	Submissions SubmissionReader
}

// SimilarityMeasure says how a pair's score is computed, for readers of
// the API.
const SimilarityMeasure = "shared fingerprints / fingerprints of the smaller submission (scaffolding removed)"

// SimilaritySide is one submission of a pair, or of a list.
type SimilaritySide struct {
	Submission string `json:"submission"`
	Challenge  string `json:"challenge"`
	Invitation string `json:"invitation,omitempty"`
	Candidate  string `json:"candidate,omitempty"`
	// Assessment is the invitation's assessment: a pair may cross two.
	Assessment   string  `json:"assessment,omitempty"`
	Fingerprints int     `json:"fingerprints"`
	Reference    float64 `json:"reference"`
}

// SimilarityPair is two submissions of different candidates at or above
// the threshold.
type SimilarityPair struct {
	Challenge string         `json:"challenge"`
	A         SimilaritySide `json:"a"`
	B         SimilaritySide `json:"b"`
	Score     float64        `json:"score"`
}

// SimilarityCluster is three or more submissions linked by pairs.
type SimilarityCluster struct {
	Challenge   string   `json:"challenge"`
	Submissions []string `json:"submissions"`
}

// SimilarityReport is an assessment's similarity (GET
// /api/v1/assessments/{id}/similarity): the pairs with at least one side
// in the assessment, their clusters, and each of its indexed submissions
// with its similarity to the reference.
type SimilarityReport struct {
	Assessment  string              `json:"assessment"`
	Threshold   float64             `json:"threshold"`
	Measure     string              `json:"measure"`
	Submissions []SimilaritySide    `json:"submissions"`
	Pairs       []SimilarityPair    `json:"pairs"`
	Clusters    []SimilarityCluster `json:"clusters"`
	// Pending counts the assessment's submissions not indexed yet (or
	// never: staff's own).
	Pending int `json:"pending"`
}

// SimilarView is one submission's similar ones (GET
// /api/v1/submissions/{id}/similar).
type SimilarView struct {
	Submission string           `json:"submission"`
	Indexed    bool             `json:"indexed"`
	Threshold  float64          `json:"threshold"`
	Measure    string           `json:"measure"`
	Reference  float64          `json:"reference"`
	Similar    []SimilarityPair `json:"similar"`
}

// Pair is two submissions compared now, from their sources.
type Pair struct {
	Challenge string
	// Score is as computed now; Stored as the index recorded it (0: not
	// a stored pair).
	Score, Stored, Threshold float64
	A, B                     PairSide
}

// PairSide is one submission of a compared pair: who, its files, and the
// byte spans it shares with the other (scaffolding excluded).
type PairSide struct {
	Side  SimilaritySide
	Files map[string]string
	Spans []similarity.Span
}

var errNoSimilarity = Errorf(Unsupported, "this server computes no similarity")

// Supported is Unsupported when this server computes no similarity: for
// callers that must refuse before they read anything else.
func (u *Similarity) Supported() error {
	if u.Index == nil {
		return errNoSimilarity
	}
	return nil
}

// sides describes indexed submissions, looking up their candidates (each
// invitation once).
type sides struct {
	u    *Similarity
	invs map[string]access.Invitation
}

func (sd *sides) of(ctx context.Context, rec similarity.Record) (SimilaritySide, error) {
	side := SimilaritySide{Submission: rec.ID, Challenge: rec.Challenge, Fingerprints: rec.Fingerprints, Reference: rec.Reference}
	// Staff's own submissions (and regrades' copies) name no candidate.
	if rec.Author == "" || strings.HasPrefix(rec.Author, "submission:") {
		return side, nil
	}
	inv, ok := sd.invs[rec.Author]
	if !ok {
		if sd.u.Invitations == nil {
			return side, errNoAccounts
		}
		var err error
		inv, err = sd.u.Invitations.Invitation(ctx, rec.Author)
		if err != nil && !errors.Is(err, runner.ErrNotFound) {
			return side, StoreFailed(err)
		}
		sd.invs[rec.Author] = inv
	}
	side.Invitation, side.Candidate, side.Assessment = rec.Author, inv.Candidate, inv.Assessment
	return side, nil
}

// Report is the similarity of an assessment's submissions, from its
// report (any view: only its invitations and submissions' ids are read).
// Errors: Unsupported (no similarity; no accounts), Unavailable.
func (u *Similarity) Report(ctx context.Context, rep AssessmentReport) (SimilarityReport, error) {
	if err := u.Supported(); err != nil {
		return SimilarityReport{}, err
	}
	sim := u.Index
	out := SimilarityReport{Assessment: rep.Assessment.ID, Threshold: sim.Threshold(), Measure: SimilarityMeasure,
		Submissions: []SimilaritySide{}, Pairs: []SimilarityPair{}, Clusters: []SimilarityCluster{}}
	var ids []string
	for _, cand := range rep.Candidates {
		for _, sub := range cand.Submissions {
			if sub.Mode != runner.ModeRun {
				ids = append(ids, sub.ID)
			}
		}
	}
	recs, err := sim.Records(ctx, ids)
	if err != nil {
		return out, StoreFailed(err)
	}
	sd := &sides{u: u, invs: map[string]access.Invitation{}}
	for _, cand := range rep.Candidates {
		sd.invs[cand.Invitation.ID] = cand.Invitation
	}
	similar, err := sim.SimilarAll(ctx, ids)
	if err != nil {
		return out, StoreFailed(err)
	}
	seen := map[[2]string]bool{}
	var others []string
	for _, id := range ids {
		rec, ok := recs[id]
		if !ok {
			out.Pending++
			continue
		}
		side, err := sd.of(ctx, rec)
		if err != nil {
			return out, err
		}
		out.Submissions = append(out.Submissions, side)
		for _, m := range similar[id] {
			key := [2]string{min(id, m.ID), max(id, m.ID)}
			if seen[key] {
				continue
			}
			seen[key] = true
			out.Pairs = append(out.Pairs, SimilarityPair{Challenge: rec.Challenge, A: side, B: SimilaritySide{Submission: m.ID}, Score: m.Score})
			if _, ok := recs[m.ID]; !ok {
				others = append(others, m.ID)
			}
		}
	}
	// The other side of a pair may be in another assessment.
	more, err := sim.Records(ctx, others)
	if err != nil {
		return out, StoreFailed(err)
	}
	for i := range out.Pairs {
		rec, ok := recs[out.Pairs[i].B.Submission]
		if !ok {
			rec, ok = more[out.Pairs[i].B.Submission]
		}
		if ok {
			if out.Pairs[i].B, err = sd.of(ctx, rec); err != nil {
				return out, err
			}
		}
	}
	sort.SliceStable(out.Pairs, func(i, j int) bool { return out.Pairs[i].Score > out.Pairs[j].Score })
	sort.SliceStable(out.Submissions, func(i, j int) bool { return out.Submissions[i].Reference > out.Submissions[j].Reference })
	out.Clusters = clusters(out.Pairs)
	return out, nil
}

// clusters returns the connected components of three or more submissions
// over the pairs (each component is one challenge's: pairs never cross
// challenges), largest first.
func clusters(pairs []SimilarityPair) []SimilarityCluster {
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if p, ok := parent[x]; ok && p != x {
			parent[x] = find(p)
			return parent[x]
		}
		parent[x] = x
		return x
	}
	challenge := map[string]string{}
	for _, p := range pairs {
		a, b := find(p.A.Submission), find(p.B.Submission)
		parent[a] = b
		challenge[p.A.Submission], challenge[p.B.Submission] = p.Challenge, p.Challenge
	}
	groups := map[string][]string{}
	for x := range parent {
		r := find(x)
		groups[r] = append(groups[r], x)
	}
	out := []SimilarityCluster{}
	for _, g := range groups {
		if len(g) >= 3 {
			slices.Sort(g)
			out = append(out, SimilarityCluster{Challenge: challenge[g[0]], Submissions: g})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i].Submissions) != len(out[j].Submissions) {
			return len(out[i].Submissions) > len(out[j].Submissions)
		}
		return out[i].Submissions[0] < out[j].Submissions[0]
	})
	return out
}

// Similar is a submission's similar submissions, highest score first as
// the index keeps them. Errors: Unsupported (no similarity; no accounts),
// NotFound (the submission), Unavailable.
func (u *Similarity) Similar(ctx context.Context, id string) (SimilarView, error) {
	if err := u.Supported(); err != nil {
		return SimilarView{}, err
	}
	sim := u.Index
	if _, err := u.Submissions.Get(ctx, id); err != nil {
		return SimilarView{}, StoreFailed(err)
	}
	out := SimilarView{Submission: id, Threshold: sim.Threshold(), Measure: SimilarityMeasure, Similar: []SimilarityPair{}}
	recs, err := sim.Records(ctx, []string{id})
	if err != nil {
		return out, StoreFailed(err)
	}
	rec, ok := recs[id]
	if !ok {
		return out, nil
	}
	out.Indexed, out.Reference = true, rec.Reference
	sd := &sides{u: u, invs: map[string]access.Invitation{}}
	self, err := sd.of(ctx, rec)
	if err != nil {
		return out, err
	}
	ms, err := sim.Similar(ctx, id)
	if err != nil {
		return out, StoreFailed(err)
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	others, err := sim.Records(ctx, ids)
	if err != nil {
		return out, StoreFailed(err)
	}
	for _, m := range ms {
		other := SimilaritySide{Submission: m.ID}
		if r, ok := others[m.ID]; ok {
			if other, err = sd.of(ctx, r); err != nil {
				return out, err
			}
		}
		out.Similar = append(out.Similar, SimilarityPair{Challenge: rec.Challenge, A: self, B: other, Score: m.Score})
	}
	return out, nil
}

// Pair compares two submissions of one challenge now, from their sources
// against their version's scaffolding, with the score the index stored
// for them, if any. Errors: Unsupported (no similarity; no accounts),
// Invalid (the same submission twice; two challenges), NotFound,
// Unavailable.
func (u *Similarity) Pair(ctx context.Context, a, b string) (Pair, error) {
	var v Pair
	if err := u.Supported(); err != nil {
		return v, err
	}
	sim := u.Index
	if a == b {
		return v, Errorf(Invalid, "a submission is not compared with itself")
	}
	sa, err := u.Submissions.Get(ctx, a)
	if err != nil {
		return v, StoreFailed(err)
	}
	sb, err := u.Submissions.Get(ctx, b)
	if err != nil {
		return v, StoreFailed(err)
	}
	if sa.Submission.Challenge != sb.Submission.Challenge {
		return v, Errorf(Invalid, "%s and %s are submissions of different challenges", a, b)
	}
	sc, err := u.scaffoldOf(ctx, sa.Submission)
	if err != nil {
		return v, err
	}
	p := sim.Params()
	inA, inB := similarity.Matches(sa.Submission.Files, sb.Submission.Files, sc, p)
	pr := sc.Prepare(p)
	v.Score = similarity.Score(similarity.Hashes(pr.Analyze(sa.Submission.Files).Fingerprints), similarity.Hashes(pr.Analyze(sb.Submission.Files).Fingerprints))
	v.Challenge, v.Threshold = sa.Submission.Challenge, sim.Threshold()
	ms, err := sim.Similar(ctx, a)
	if err != nil {
		return v, StoreFailed(err)
	}
	for _, m := range ms {
		if m.ID == b {
			v.Stored = m.Score
		}
	}
	recs, err := sim.Records(ctx, []string{a, b})
	if err != nil {
		return v, StoreFailed(err)
	}
	sd := &sides{u: u, invs: map[string]access.Invitation{}}
	for _, side := range []struct {
		st    runner.State
		spans []similarity.Span
		out   *PairSide
	}{{sa, inA, &v.A}, {sb, inB, &v.B}} {
		id := side.st.Submission.ID
		side.out.Side = SimilaritySide{Submission: id, Challenge: v.Challenge}
		if rec, ok := recs[id]; ok {
			if side.out.Side, err = sd.of(ctx, rec); err != nil {
				return v, err
			}
		} else if inv := side.st.Submission.Invitation; inv != "" {
			// Not indexed (yet): still say whose it is.
			if side.out.Side, err = sd.of(ctx, similarity.Record{ID: id, Challenge: v.Challenge, Author: inv}); err != nil {
				return v, err
			}
		}
		side.out.Files, side.out.Spans = side.st.Submission.Files, side.spans
	}
	return v, nil
}

// scaffoldOf returns the scaffolding of the submission's challenge
// version (the current one when that version is not to be found).
func (u *Similarity) scaffoldOf(ctx context.Context, sub runner.Submission) (similarity.Scaffold, error) {
	var ch *challenges.Challenge
	if u.Versions != nil {
		if c, err := u.Versions.Challenge(ctx, sub.Challenge, sub.ChallengeVersion); err == nil {
			ch = c
		}
	}
	if ch == nil {
		c, err := u.Catalog.Get(sub.Challenge)
		if err != nil {
			return similarity.Scaffold{}, fmt.Errorf("challenge %s: %w", sub.Challenge, err)
		}
		ch = c
	}
	return ScaffoldOf(ch), nil
}

// ScaffoldOf is a challenge's scaffolding as package similarity takes it.
func ScaffoldOf(ch *challenges.Challenge) similarity.Scaffold {
	str := func(m map[string][]byte) map[string]string {
		out := make(map[string]string, len(m))
		for k, v := range m {
			out[k] = string(v)
		}
		return out
	}
	return similarity.Scaffold{Starter: str(ch.Starter), Lib: str(ch.Lib), Reference: str(ch.Reference)}
}
